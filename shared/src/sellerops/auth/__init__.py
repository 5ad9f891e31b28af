"""Authorization for a sellerops deployment: NATS decentralized auth (an operator, one account, users as
signed JWTs) generated from one folder, with least-privilege permissions per role.

`roles` says what each role may publish and subscribe to (pure); `material` makes and keeps the keys,
JWTs, credentials files and the server's configuration fragment; `connect` turns a credentials file
into nats-py connect options; `live` pushes an updated account to a running server.
"""

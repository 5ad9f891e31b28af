"""A NATS node and a service replica SIGKILLed mid-stream on a 3-node loopback cluster: nothing acked is lost or
doubled, nothing is dead-lettered, every deadline fires once, and the flow resumes within seconds.

bench/bench_cluster.py with smaller numbers: two services (orders, and health consuming what orders publish)
at 2 replicas each, 40 orders at 8 a second, on a machine whose cores are shared (timeouts are generous)."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.nats, pytest.mark.slow, pytest.mark.timeout(420)]
BENCH = Path(__file__).parents[2] / "bench" / "bench_cluster.py"
# The bench's goal is 10 s on a quiet machine (it measured 5 s); a CI machine shared by other runs gets twice that.
STALL_LIMIT_S = 20.0


def bench_module():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("bench_cluster", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_losing_the_stream_leader_node_and_a_replica_of_each_service_loses_and_doubles_nothing(tmp_path):
    bench = bench_module()
    said: list[str] = []
    numbers = await bench.run_cluster(tmp_path, services=("orders", "health"), replicas=2, orders=40, rate=8.0,
                                      sellers=4, ship_in_s=10.0, outcome_timeout_s=150.0, say=said.append)

    assert any(line.startswith("killed node n") for line in said), said
    assert numbers["published"] == 40 and numbers["acked"] == 40, numbers
    assert numbers["lost"] == 0 and numbers["doubled"] == 0 and numbers["dead_letters"] == 0, numbers
    assert numbers["deadlines_fired_twice"] == 0 and numbers["deadlines_missing"] == 0, numbers
    assert 0 < numbers["stall_s"] <= STALL_LIMIT_S, numbers

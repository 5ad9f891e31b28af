"""`sellerops status`: which stored facts no consumer's filter takes."""

from sellerops.cli.status import subject_matches, unconsumed


def test_a_star_is_one_token_and_a_last_chevron_one_or_more():
    assert subject_matches("market.acme.order.placed", "market.*.order.*")
    assert not subject_matches("market.acme.order.placed.extra", "market.*.order.*")
    assert subject_matches("market.acme.order.placed", "market.>")
    assert not subject_matches("market", "market.>")
    assert not subject_matches("market.acme.feedback.received", "market.*.order.*")


def test_subjects_no_filter_takes_are_counted_and_an_unfiltered_consumer_takes_all():
    subjects = {"market.acme.order.placed": 3, "market.acme.shipment.x": 2}

    assert unconsumed(subjects, ["market.*.order.*"]) == {"market.acme.shipment.x": 2}
    assert unconsumed(subjects, ["market.*.order.*", ""]) == {}
    assert unconsumed(subjects, []) == subjects

"""Which stored do-not-call request a key rotation carries over to the new key (no DB): one whose
digest under a previous key is that of a number crm holds for the customer, renamed as that number."""

from __future__ import annotations

from functools import partial

import pytest

from crm.config import CrmSettings
from crm.domain.do_not_call import Carry, DigestKeys, carry_over
from crm.service_layer.do_not_call import digests
from shared.phones import phone_digest

OLD, NEW = "old-key-" + "o" * 32, "new-key-" + "n" * 32
ROTATING = partial(digests, DigestKeys(current=NEW, previous=(OLD,)))


def test_a_request_about_the_current_number_under_the_old_key_is_announced_under_the_new_one() -> None:
    assert carry_over(phone_digest("13800000001", OLD), ["13800000001"], ROTATING) == (
        Carry.ANNOUNCE, phone_digest("13800000001", NEW))


def test_a_request_already_under_the_new_key_stays_as_it_is() -> None:
    assert carry_over(phone_digest("13800000001", NEW), ["13800000001"], ROTATING) == (
        Carry.CURRENT, phone_digest("13800000001", NEW))


def test_a_request_about_a_number_only_a_merge_record_holds_keeps_that_number() -> None:
    # The customer's phone is ...02 now; the request was about ...01, named by the merge's audit.
    numbers = ["13800000002", "13800000001"]
    assert carry_over(phone_digest("13800000001", OLD), numbers, ROTATING) == (
        Carry.ANNOUNCE, phone_digest("13800000001", NEW)), "never extended to the current number"
    assert carry_over(phone_digest("13800000001", NEW), numbers, ROTATING) == (
        Carry.CURRENT, phone_digest("13800000001", NEW))


def test_a_digest_of_no_number_crm_holds_under_no_key_it_has_is_left_alone() -> None:
    assert carry_over(phone_digest("13800000009", OLD), ["13800000001"], ROTATING) == (Carry.OTHER_NUMBER, None)
    assert carry_over(phone_digest("13800000001", "a-key-crm-never-had-" + "x" * 20), ["13800000001"],
                      ROTATING) == (Carry.OTHER_NUMBER, None)


def test_a_customer_without_a_number_has_nothing_to_digest() -> None:
    assert carry_over(phone_digest("13800000001", OLD), [], ROTATING) == (Carry.NO_PHONE, None)


def test_the_digests_name_the_number_under_every_key_current_first_once() -> None:
    keys = DigestKeys(current=NEW, previous=(OLD, NEW, OLD))
    assert digests(keys, "+86 138 0000 0001") == (phone_digest("13800000001", NEW), phone_digest("13800000001", OLD))
    assert digests(DigestKeys(current=NEW), "13800000001") == (phone_digest("13800000001", NEW),)


def test_settings_give_the_previous_keys_and_the_page_size_and_refuse_weak_keys_in_production() -> None:
    policy = CrmSettings(phone_digest_key=NEW, phone_digest_previous_keys=[OLD, NEW],
                         do_not_call_reannounce_page_size=7).policy()
    assert policy.digest_keys() == DigestKeys(current=NEW, previous=(OLD,))
    assert policy.do_not_call_reannounce_page_size == 7
    assert CrmSettings().policy().do_not_call_reannounce_page_size == 500
    assert CrmSettings().policy().phone_digest_previous_keys == ()
    with pytest.raises(ValueError, match="phone_digest_key"):
        CrmSettings(environment="production", phone_digest_key=NEW, phone_digest_previous_keys=["short"],
                    jwt_secret="j" * 64)
    with pytest.raises(ValueError):
        CrmSettings(do_not_call_reannounce_page_size=0)
    assert "o" * 32 not in repr(CrmSettings(phone_digest_key=NEW, phone_digest_previous_keys=[OLD]))

from datetime import date

import pytest
from pydantic import BaseModel, ValidationError

from shared.fields import IsoDate


class Body(BaseModel):
    day: IsoDate


@pytest.mark.parametrize("sent", ['{"day": 0}', '{"day": "0"}', '{"day": 20260101}', '{"day": "2026-02-30"}',
                                  '{"day": "2026-1-1"}', '{"day": "2026-01-01T00:00:00"}'])
def test_only_an_iso_date_is_a_date(sent):
    # Found by the API fuzzing: ?date=0 read as 1 January 1970.
    with pytest.raises(ValidationError):
        Body.model_validate_json(sent)


def test_an_iso_date_or_a_date_object_is_accepted():
    assert Body.model_validate_json('{"day": "2026-12-03"}').day == date(2026, 12, 3)
    assert Body(day=date(2026, 12, 3)).model_dump(mode="json") == {"day": "2026-12-03"}

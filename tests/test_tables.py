"""A server that starts at the same moment as another still starts (bot/tables.py)."""
from __future__ import annotations

import sqlalchemy as sa

from bot.sms.state import SmsState


def test_a_server_that_loses_the_race_to_create_the_tables_still_starts(tmp_path, monkeypatch):
    # Two servers against one PostgreSQL both find a table missing; the other one creates
    # it first and this one's CREATE fails as a duplicate (as in the failover run).
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    real = sa.MetaData.create_all
    raced = []

    def create_all_after_another_server(self, bind, tables=None, checkfirst=True):
        if not raced:
            raced.append(True)
            real(self, bind, tables=tables, checkfirst=checkfirst)  # the other server
            raise sa.exc.IntegrityError("CREATE TABLE sms_stopped", {}, Exception("duplicate key pg_type"))
        return real(self, bind, tables=tables, checkfirst=checkfirst)

    monkeypatch.setattr(sa.MetaData, "create_all", create_all_after_another_server)
    state = SmsState(engine=engine)
    assert raced
    assert "sms_stopped" in sa.inspect(state.engine).get_table_names()

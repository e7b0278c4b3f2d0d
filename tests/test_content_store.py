"""Content revisions: a load is all or nothing, and the service returns plain data."""

import dataclasses
from decimal import Decimal

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kiosk.content.format import read_content
from kiosk.content.service import ContentService, NotFound
from kiosk.content.store import apply_bundle
from kiosk.db import models as m


def test_first_start_loads_the_sample_and_reports_counts(core):
    st = core.content.status()
    assert st.revision and st.revision_id
    assert st.counts["procedures"] >= 40 and st.counts["departments"] >= 9
    assert st.counts["forms"] >= 10


def test_guide_is_plain_data_with_exact_fees(core):
    g = core.content.guide("USC I")
    assert dataclasses.is_dataclass(g)
    assert Decimal("22.00") in [f.amount for f in g.fees]
    assert g.department.code == "USC"
    assert g.steps and g.title.pl


def test_unknown_procedure_is_not_found(core):
    with pytest.raises(NotFound):
        core.content.guide("NOPE 1")


def test_new_revision_replaces_the_old_one_whole(core, content_copy):
    path = content_copy / "content.yaml"
    meta = yaml.safe_load(path.read_text())
    meta["revision"] = "second"
    path.write_text(yaml.safe_dump(meta))
    rates = yaml.safe_load((content_copy / "rates.yaml").read_text())
    rates["rates"][0]["amount"] = "99.99"
    (content_copy / "rates.yaml").write_text(yaml.safe_dump(rates, allow_unicode=True))
    old = core.content.status()
    apply_bundle(core.Session, read_content(content_copy))
    new = core.content.status()
    assert new.revision == "second" and new.revision_id != old.revision_id
    assert new.counts == old.counts
    assert core.content.rates()[0].amount == Decimal("99.99")
    with core.Session() as s:
        active = s.scalar(select(func.count()).where(m.ContentRevision.active.is_(True)))
        assert active == 1


def test_failed_load_leaves_the_old_revision_visible(core, content_copy, monkeypatch):
    before = core.content.status()
    bundle = read_content(content_copy)
    bundle.procedures[-1]["symbol"] = None  # violates NOT NULL half-way through the insert
    with pytest.raises(IntegrityError):
        apply_bundle(core.Session, bundle)
    after = core.content.status()
    assert after == before
    with core.Session() as s:
        assert s.scalar(select(func.count()).select_from(m.ContentRevision)) == 1


def test_old_revisions_are_pruned(core):
    bundle = read_content(core.config.paths.content_dir)
    for _ in range(3):
        apply_bundle(core.Session, bundle, keep_old=1)
    with core.Session() as s:
        assert s.scalar(select(func.count()).select_from(m.ContentRevision)) == 2
        revs = s.scalars(select(m.ContentRevision.id)).all()
        procs = s.scalars(select(m.Procedure.revision_id).distinct()).all()
        assert set(procs) <= set(revs)
        orphans = s.scalar(select(func.count()).select_from(m.ProcedureStep).where(
            ~m.ProcedureStep.procedure_id.in_(select(m.Procedure.id))))
        assert orphans == 0


def test_service_reads_only_the_active_revision(core):
    svc = ContentService(core.Session)
    n = len(svc.categories())
    apply_bundle(core.Session, read_content(core.config.paths.content_dir))
    assert len(svc.categories()) == n

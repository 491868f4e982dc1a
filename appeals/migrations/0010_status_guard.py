"""A database guard on Appeal.status: only appeals.workflow.transition() changes it.

The trigger refuses an UPDATE that changes an appeal's status unless the transaction-local setting
`appeals.transition` names that appeal (transition() sets it around its one write and clears it).
So a `.save()`, a queryset `.update(status=...)`, raw SQL or the admin cannot move an appeal past
the transition table, and no move goes without its Event.
"""

from django.db import migrations

CREATE = r"""
CREATE FUNCTION appeals_appeal_status_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
        OLD.id::text = ANY (string_to_array(coalesce(current_setting('appeals.transition', true), ''), ','))
    ) THEN
        RAISE EXCEPTION 'appeal % status % -> %: a status changes only through appeals.workflow.transition()',
            OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'raise_exception', HINT = 'Call the service of the action.';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER appeals_appeal_status_guard
    BEFORE UPDATE OF status ON appeals_appeal
    FOR EACH ROW EXECUTE FUNCTION appeals_appeal_status_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS appeals_appeal_status_guard ON appeals_appeal;
DROP FUNCTION IF EXISTS appeals_appeal_status_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0009_event_action_choices"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]

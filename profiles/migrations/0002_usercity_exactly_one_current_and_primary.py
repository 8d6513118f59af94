"""At least one current and one primary city, checked at commit by a deferred constraint trigger.
The partial unique indexes of 0001 give "at most one"; together: exactly one, when any city."""

from django.db import migrations

CREATE = """
CREATE FUNCTION profiles_usercity_check() RETURNS trigger AS $$
DECLARE
    profile uuid;
BEGIN
    FOREACH profile IN ARRAY ARRAY[
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.profile_id END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.profile_id END
    ] LOOP
        IF profile IS NOT NULL
           AND EXISTS (SELECT 1 FROM profiles_usercity WHERE profile_id = profile)
           AND (
               (SELECT count(*) FROM profiles_usercity
                 WHERE profile_id = profile AND is_current) <> 1
               OR (SELECT count(*) FROM profiles_usercity
                    WHERE profile_id = profile AND is_primary) <> 1
           )
        THEN
            RAISE EXCEPTION 'A person with cities needs exactly one current and one primary city.'
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'usercity_exactly_one_current_and_primary';
        END IF;
    END LOOP;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER usercity_exactly_one_current_and_primary
    AFTER INSERT OR UPDATE OR DELETE ON profiles_usercity
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION profiles_usercity_check();
"""

DROP = """
DROP TRIGGER usercity_exactly_one_current_and_primary ON profiles_usercity;
DROP FUNCTION profiles_usercity_check();
"""


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]

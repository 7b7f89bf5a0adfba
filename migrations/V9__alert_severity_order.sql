-- The one order of alert severities on the SQL side, for ORDER BY and for "more severe than" in the alert upserts.
-- Its ranks are the values of the C# enum FollowUp.Alerts.AlertSeverity; AlertSeverityTests checks each member
-- against this function. Anything else ranks lowest, as 'low' does.
CREATE FUNCTION alert_severity_rank(severity text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE severity WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END
$$;

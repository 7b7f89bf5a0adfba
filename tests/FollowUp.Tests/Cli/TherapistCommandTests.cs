using System.Text.Json;
using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Cli;

public class TherapistCommandTests
{
    [Fact]
    public async Task Adding_a_therapist_lists_them_and_audits_who_added_them()
    {
        var connectionString = await TestDatabase.CreateAsync();

        var add = await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "sam@clinic.test", "--name", "Sam Jones", "--actor", "manager@clinic", "--connection", connectionString]);
        var rename = await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "SAM@clinic.test", "--name", "Samantha Jones", "--actor", "manager@clinic", "--connection", connectionString]);
        var list = await Tool.RunAsync("followup-admin.dll", ["therapist", "list", "--json", "--connection", connectionString]);

        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Matches(@"^Added therapist \d+\.", add.Stdout);
        Assert.Matches(@"^Therapist \d+ was already known; name updated\.", rename.Stdout);
        using var json = JsonDocument.Parse(list.Stdout);
        var therapist = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("Samantha Jones", therapist.GetProperty("name").GetString());
        await using var connection = new NpgsqlConnection(connectionString);
        var audit = (await connection.QueryAsync<(string Actor, string Kind, string Detail)>("SELECT actor, kind, detail::text FROM audit_log ORDER BY id")).ToList();
        Assert.Equal(["therapist.added", "therapist.changed"], audit.Select(a => a.Kind));
        Assert.All(audit, a => Assert.Equal("manager@clinic", a.Actor));
        Assert.Contains("\"before\": {\"name\": \"Sam Jones\"", audit[1].Detail, StringComparison.Ordinal);
        Assert.Contains("\"after\": {\"name\": \"Samantha Jones\"", audit[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_therapist_address_is_one_line_and_exit_code_1()
    {
        var connectionString = await TestDatabase.CreateAsync();

        var run = await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "sam-at-clinic", "--connection", connectionString]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("followup-admin: --email: 'sam-at-clinic' is not an email address", run.Stderr.Trim());
    }
}

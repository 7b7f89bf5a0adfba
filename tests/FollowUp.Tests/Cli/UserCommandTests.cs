using System.Text.Json;
using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Cli;

public class UserCommandTests
{
    [Fact]
    public async Task A_therapists_login_is_added_listed_and_disabled_and_each_change_is_audited()
    {
        var connectionString = await TestDatabase.CreateAsync();
        string[] db = ["--connection", connectionString];

        var beforeTherapist = await Tool.RunAsync("followup-admin.dll", ["user", "add", "--email", "sam@clinic.test", "--role", "therapist", .. db]);
        await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "sam@clinic.test", "--name", "Sam Jones", .. db]);
        var add = await Tool.RunAsync("followup-admin.dll", ["user", "add", "--email", "sam@clinic.test", "--role", "therapist", "--actor", "manager@clinic", .. db]);
        var lead = await Tool.RunAsync("followup-admin.dll", ["user", "add", "--email", "lea@clinic.test", "--role", "lead", "--name", "Lea", "--actor", "manager@clinic", .. db]);
        var badRole = await Tool.RunAsync("followup-admin.dll", ["user", "add", "--email", "x@clinic.test", "--role", "boss", .. db]);
        var disable = await Tool.RunAsync("followup-admin.dll", ["user", "disable", "--email", "SAM@clinic.test", "--actor", "manager@clinic", .. db]);
        var list = await Tool.RunAsync("followup-admin.dll", ["user", "list", "--json", .. db]);

        Assert.Equal(1, beforeTherapist.ExitCode);
        Assert.Equal("followup-admin: no therapist has the address sam@clinic.test: add them first with 'followup-admin therapist add --email sam@clinic.test'", beforeTherapist.Stderr.Trim());
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Matches(@"^Added user \d+: sam@clinic.test, therapist\.", add.Stdout);
        Assert.True(lead.ExitCode == 0, lead.Stderr);
        Assert.Equal(2, badRole.ExitCode);
        Assert.True(disable.ExitCode == 0, disable.Stderr);
        using var json = JsonDocument.Parse(list.Stdout);
        var users = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["lea@clinic.test", "sam@clinic.test"], users.Select(u => u.GetProperty("email").GetString()));
        Assert.Equal(JsonValueKind.Null, users[0].GetProperty("disabled_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, users[1].GetProperty("disabled_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, users[1].GetProperty("therapist_id").ValueKind);
        await using var connection = new NpgsqlConnection(connectionString);
        var audit = (await connection.QueryAsync<(string Actor, string Kind)>("SELECT actor, kind FROM audit_log WHERE kind LIKE 'user.%' ORDER BY id")).ToList();
        Assert.Equal(["user.added", "user.added", "user.disabled"], audit.Select(a => a.Kind));
        Assert.All(audit, a => Assert.Equal("manager@clinic", a.Actor));
    }
}

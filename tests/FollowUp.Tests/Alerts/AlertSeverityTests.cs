using Dapper;
using FollowUp.Alerts;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Alerts;

/// <summary>One severity order: the C# enum and the SQL function the queries rank with give every severity the same rank.</summary>
public class AlertSeverityTests
{
    [Fact]
    public async Task The_database_ranks_every_severity_as_the_enum_does()
    {
        await using var connection = new NpgsqlConnection(await TestDatabase.CreateAsync());
        foreach (var severity in Enum.GetValues<AlertSeverity>())
        {
            var name = AlertKinds.Name(severity);
            Assert.Equal((int)severity, await connection.ExecuteScalarAsync<int>("SELECT alert_severity_rank(@name)", new { name }));
            Assert.Equal((int)severity, AlertKinds.Rank(name));
        }
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT alert_severity_rank('unheard-of')"));
        Assert.Equal(1, AlertKinds.Rank("unheard-of"));
    }

    [Fact]
    public void The_stored_severity_names_are_the_enum_members_in_lower_case()
    {
        Assert.Equal(AlertKinds.High, AlertKinds.Name(AlertSeverity.High));
        Assert.Equal(AlertKinds.Normal, AlertKinds.Name(AlertSeverity.Normal));
        Assert.Equal(AlertKinds.Low, AlertKinds.Name(AlertSeverity.Low));
        Assert.True(AlertKinds.Rank(AlertKinds.High) > AlertKinds.Rank(AlertKinds.Normal));
        Assert.True(AlertKinds.Rank(AlertKinds.Normal) > AlertKinds.Rank(AlertKinds.Low));
    }
}

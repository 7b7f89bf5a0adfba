namespace FollowUp.Tests.Operations;

/// <summary>
/// scripts/test.sh installs the servers (scripts/install-servers.sh) before it runs the tests, so the machine the
/// tests run on is one the install has just been through: FollowUp runs its own throw-away servers on loopback and
/// must leave none of Debian's system services enabled (started at the next boot, or by systemd now).
/// </summary>
public class SystemServicesTests
{
    [Theory]
    [InlineData("postgresql")]
    [InlineData("dovecot")]
    [InlineData("postfix")]
    public void Installing_the_servers_leaves_the_system_service_disabled(string unit)
    {
        var enabled = Directory.Exists("/etc/systemd/system")
            ? Directory.GetDirectories("/etc/systemd/system", "*.wants")
                .Where(wants => new FileInfo(Path.Combine(wants, unit + ".service")).LinkTarget is not null || File.Exists(Path.Combine(wants, unit + ".service")))
                .ToList()
            : [];
        Assert.True(enabled.Count == 0, $"{unit}.service is enabled in {string.Join(", ", enabled)}");
    }
}

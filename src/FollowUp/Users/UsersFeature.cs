using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FollowUp.Users;

/// <summary>Who may sign in; the web face adds the sign-in links and their settings (<see cref="AddSignIn"/>).</summary>
public static class UsersFeature
{
    internal static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<CourseAccess>();
        services.AddSingleton<FormSubmissions>();
        services.AddSingleton<Database.KeyRing>();
        return services;
    }

    /// <summary>The sign-in links and the web face's settings: only the web host has them, so the worker needs no URL.</summary>
    public static IServiceCollection AddSignIn(this IServiceCollection services)
    {
        services.AddSettings<WebOptions>(WebOptions.Section, o => o.Validate());
        services.AddSingleton(sp => new SignInLinks(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<WebOptions>>(), sp.GetRequiredService<IOptions<Mail.SmtpOptions>>(), sp.GetRequiredService<IOptions<Mail.ClinicOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SignInLinks>>()));
        return services;
    }
}

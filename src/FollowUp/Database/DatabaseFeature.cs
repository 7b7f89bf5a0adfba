using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Database;

internal static class DatabaseFeature
{
    /// <summary>The database settings and the one shared data source.</summary>
    internal static IServiceCollection AddDatabase(this IServiceCollection services)
    {
        services.AddSettings<DatabaseOptions>(DatabaseOptions.Section, o => o.Validate());
        services.AddSingleton(sp => Db.CreateDataSource(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddSingleton<System.Data.Common.DbDataSource>(sp => sp.GetRequiredService<NpgsqlDataSource>());
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FollowUp;

/// <summary>
/// One options class bound to its section and validated with a message naming the key. Registering a setting is
/// also what lists it for <see cref="Problems"/>, so a feature's settings are named once, where the feature registers.
/// </summary>
internal static class Settings
{
    internal static IServiceCollection AddSettings<T>(this IServiceCollection services, string section, Func<T, IEnumerable<string>> validate) where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new Rules<T>(validate)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Check, Check<T>>());
        return services;
    }

    /// <summary>Every problem of every registered setting, each naming its key.</summary>
    internal static IReadOnlyList<string> Problems(IServiceProvider services) =>
        services.GetServices<Check>().SelectMany(check => check.Problems()).Distinct(StringComparer.Ordinal).ToList(); // FollowUp:Web:PublicUrl is read by two options classes, under one rule

    internal abstract class Check
    {
        public abstract IEnumerable<string> Problems();
    }

    private sealed class Check<T>(IServiceProvider services) : Check where T : class
    {
        public override IEnumerable<string> Problems()
        {
            try
            {
                _ = services.GetRequiredService<IOptions<T>>().Value;
                return [];
            }
            catch (OptionsValidationException e)
            {
                return e.Failures;
            }
            catch (InvalidOperationException e)
            {
                // The binder's own complaint, e.g. a duration that is not a TimeSpan or a number that is not a number.
                return [$"{typeof(T).Name}: {e.Message}"];
            }
        }
    }

    /// <summary>Validation that names the setting and the reason, so a wrong setting stops the worker with a clear message.</summary>
    private sealed class Rules<T>(Func<T, IEnumerable<string>> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var problems = validate(options).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace JourneyKit.Samples.WebApi;

/// <summary>The API keys the sample accepts (configuration <c>JourneyKit:ApiKeys</c>: an array of keys of at least 16 characters).</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Gets the accepted keys' SHA-256 hashes (the keys themselves are not kept).</summary>
    public IList<byte[]> KeyHashes { get; } = [];

    /// <summary>Adds an accepted key.</summary>
    /// <param name="key">The key.</param>
    public void AddKey(string key) => KeyHashes.Add(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

/// <summary>
/// ASP.NET Core authentication by API key: a request carrying <c>X-Api-Key: KEY</c> with an accepted key is authenticated
/// as <c>api-key-N</c> (its index; the key never appears in claims or logs). Keys are compared by their SHA-256 hashes in
/// constant time. No header: no result (the endpoint's authorization answers 401); a wrong key: 401.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The request header that carries the key.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <inheritdoc/>
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out Microsoft.Extensions.Primitives.StringValues values))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (values.Count != 1 || string.IsNullOrEmpty(values[0]) || values[0]!.Length > 512)
        {
            return Task.FromResult(AuthenticateResult.Fail("Send exactly one API key."));
        }

        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(values[0]!));
        int match = -1;
        for (int i = 0; i < Options.KeyHashes.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(given, Options.KeyHashes[i]))
            {
                match = i;
            }
        }

        if (match < 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, $"api-key-{match}")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <inheritdoc/>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        return Task.CompletedTask;
    }
}

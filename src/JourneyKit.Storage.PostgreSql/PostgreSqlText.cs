namespace JourneyKit.Storage.PostgreSql;

/// <summary>Checks that strings can be stored in PostgreSQL <c>text</c>: no NUL character and well-formed UTF-16.</summary>
internal static class PostgreSqlText
{
    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="what"/> when <paramref name="value"/> cannot be stored.</summary>
    public static void Check(string? value, string what, string paramName)
    {
        if (value is not null && Problem(value) is { } problem)
        {
            throw new ArgumentException(PostgreSqlMessages.NotStorable(what, problem), paramName);
        }
    }

    private static string? Problem(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\0')
            {
                return $"contains a NUL character (U+0000) at index {i}";
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    continue;
                }

                return $"contains an unpaired surrogate (U+{(int)c:X4}) at index {i}";
            }

            if (char.IsLowSurrogate(c))
            {
                return $"contains an unpaired surrogate (U+{(int)c:X4}) at index {i}";
            }
        }

        return null;
    }
}

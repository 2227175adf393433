using System.Globalization;

namespace MarketFeed.Core;

/// <summary>
/// Fixed-point decimal helpers. A value <c>v</c> with <c>decimals = d</c> means <c>v / 10^d</c>;
/// prices and sizes never travel as binary floating point.
/// </summary>
public static class FixedPoint
{
    private static readonly long[] Pow10 =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ];

    /// <summary>Largest supported number of decimals.</summary>
    public const int MaxDecimals = 18;

    /// <summary>10^decimals.</summary>
    public static long Scale(int decimals)
    {
        if ((uint)decimals > MaxDecimals)
        {
            throw new ArgumentOutOfRangeException(nameof(decimals), decimals, $"decimals must be 0..{MaxDecimals}");
        }

        return Pow10[decimals];
    }

    /// <summary>Formats a fixed-point value as invariant decimal text with exactly <paramref name="decimals"/> digits after the point.</summary>
    public static string Format(long value, int decimals)
    {
        if (decimals == 0)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        long scale = Scale(decimals);
        long whole = Math.Abs(value / scale);
        long frac = Math.Abs(value % scale);
        string sign = value < 0 ? "-" : string.Empty;
        return sign + whole.ToString(CultureInfo.InvariantCulture) + "." + frac.ToString(CultureInfo.InvariantCulture).PadLeft(decimals, '0');
    }

    /// <summary>
    /// Parses invariant decimal text (e.g. "9682.19", "-0.5", "12") exactly into a fixed-point value.
    /// Returns false if the text is not a number, has more fractional digits than
    /// <paramref name="decimals"/> (unless they are zeros), or overflows.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, int decimals, out long value)
    {
        value = 0;
        text = text.Trim();
        if (text.IsEmpty || (uint)decimals > MaxDecimals)
        {
            return false;
        }

        bool negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (text.IsEmpty)
        {
            return false;
        }

        long result = 0;
        int fracDigits = -1;
        bool anyDigit = false;
        foreach (char c in text)
        {
            if (c == '.')
            {
                if (fracDigits >= 0)
                {
                    return false;
                }

                fracDigits = 0;
                continue;
            }

            if (c is < '0' or > '9')
            {
                return false;
            }

            anyDigit = true;
            int digit = c - '0';
            if (fracDigits >= 0)
            {
                if (fracDigits == decimals)
                {
                    // Extra precision is accepted only when it is zero: "1.2300" at 2 decimals.
                    if (digit != 0)
                    {
                        return false;
                    }

                    continue;
                }

                fracDigits++;
            }

            if (result > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            result = (result * 10) + digit;
        }

        if (!anyDigit)
        {
            return false;
        }

        int pad = decimals - Math.Max(fracDigits, 0);
        long scale = Pow10[pad];
        if (result > long.MaxValue / scale)
        {
            return false;
        }

        value = negative ? -(result * scale) : result * scale;
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> on failure.</summary>
    public static long Parse(ReadOnlySpan<char> text, int decimals) =>
        TryParse(text, decimals, out long value)
            ? value
            : throw new FormatException($"'{text.ToString()}' is not a decimal number with at most {decimals} decimals");

    /// <summary>Converts a value from one scale to another; throws if precision would be lost.</summary>
    public static long Rescale(long value, int fromDecimals, int toDecimals)
    {
        if (toDecimals >= fromDecimals)
        {
            return checked(value * Scale(toDecimals - fromDecimals));
        }

        long div = Scale(fromDecimals - toDecimals);
        if (value % div != 0)
        {
            throw new ArgumentException($"{value} at {fromDecimals} decimals does not fit {toDecimals} decimals exactly");
        }

        return value / div;
    }
}

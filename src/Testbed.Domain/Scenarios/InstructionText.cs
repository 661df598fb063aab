using System.Globalization;
using System.Text;

namespace Testbed.Domain.Scenarios;

/// <summary>
/// What a scenario's instruction may be. It is copied into every episode record and sent to a policy server, so its
/// length is bounded; and an instruction a reader cannot see (blank, or only zero-width and other format
/// characters) would make an episode look like it tested an instruction when it tested none.
/// </summary>
public static class InstructionText
{
    /// <summary>The longest instruction, in Unicode code points: 4,000, far above any spoken instruction (the
    /// scenarios here run to about 150) and small enough to copy into every record.</summary>
    public const int MaxCodePoints = 4000;

    /// <summary>What is wrong with <paramref name="text"/>, or null when it is a usable instruction.</summary>
    public static (string Problem, string Expected)? Check(string text)
    {
        var length = 0;
        var visible = false;
        var position = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            length++;
            position++;
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control && rune.Value is not ('\t' or '\n' or '\r'))
            {
                return ($"contains the control character U+{rune.Value:X4} at character {position}",
                    "text without control characters (tab and line breaks are allowed)");
            }

            visible |= IsVisible(rune);
        }

        if (length > MaxCodePoints)
        {
            return ($"is {length:N0} characters long", $"at most {MaxCodePoints:N0} characters (Unicode code points)");
        }

        if (!visible)
        {
            return (length == 0 ? "is empty" : "has no visible character (only white space, zero-width or other invisible characters)",
                "an instruction with at least one letter, digit, punctuation mark or symbol");
        }

        return null;
    }

    private static bool IsVisible(Rune rune)
    {
        // Letters that render as nothing: the Hangul fillers, and the blank braille pattern (a symbol).
        if (rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800) return false;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => true,
            UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => true,
            // White space, format (zero-width space and joiners, BOM, bidi marks), marks without a base,
            // private use, surrogates, unassigned.
            _ => false,
        };
    }
}

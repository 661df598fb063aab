using Testbed.Domain.Scenarios;
using Xunit;

namespace Testbed.Tests.Domain;

public class LanguageTagTests
{
    [Theory]
    [InlineData("en", "English")]
    [InlineData("ja", "Japanese")]
    [InlineData("zh-Hans", "Chinese (Simplified)")]
    [InlineData("de", "German")]
    [InlineData("vi", "Vietnamese")]
    [InlineData("sw", "Swahili")]
    public void Known_tags_have_english_names(string text, string name)
    {
        Assert.Equal(name, LanguageTag.Parse(text).KnownEnglishName);
    }

    [Theory]
    [InlineData("zh-hans", "zh-Hans", "zh", "Hans", null)]
    [InlineData("PT-br", "pt-BR", "pt", null, "BR")]
    [InlineData("es-419", "es-419", "es", null, "419")]
    [InlineData("sr-Latn-RS", "sr-Latn-RS", "sr", "Latn", "RS")]
    [InlineData("fil", "fil", "fil", null, null)]
    public void Well_formed_tags_are_canonicalised(string text, string canonical, string language, string? script, string? region)
    {
        var tag = LanguageTag.Parse(text);

        Assert.Equal(canonical, tag.Value);
        Assert.Equal(language, tag.Language);
        Assert.Equal(script, tag.Script);
        Assert.Equal(region, tag.Region);
    }

    [Theory]
    [InlineData("")]
    [InlineData("english")]
    [InlineData("en_US")]
    [InlineData("e")]
    [InlineData("en-")]
    [InlineData("en-US-x-private")]
    [InlineData("zh-Hans-Hant")]
    [InlineData("12")]
    public void Malformed_tags_are_rejected_with_the_expected_shape(string text)
    {
        Assert.False(LanguageTag.TryParse(text, out _, out var problem));
        Assert.NotEmpty(problem);

        var error = Assert.Throws<FormatException>(() => LanguageTag.Parse(text));
        Assert.Contains("language[-Script][-REGION]", error.Message);
    }

    [Fact]
    public void Display_name_falls_back_to_the_base_language()
    {
        Assert.Equal("English (GB)", LanguageTag.Parse("en-GB").DisplayName);
        Assert.Equal("tlh", LanguageTag.Parse("tlh").DisplayName);
    }

    [Fact]
    public void Tags_compare_by_canonical_value()
    {
        Assert.Equal(LanguageTag.Parse("ZH-HANS"), LanguageTag.Parse("zh-Hans"));
        Assert.True(LanguageTag.Known.Count >= 15);
    }
}

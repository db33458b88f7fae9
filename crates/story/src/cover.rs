//! The cover under the story's heading, written as safe HTML into the
//! story's `intro`: the summary, a line with the authors, the date and the
//! reading time, the cover image, the text before the first step and, when
//! the story has chapters, their table of contents. Done once here, so the
//! player shows it as it shows any text (its bundle carries none of the
//! words) and the page without JavaScript shows the same.

use crate::markdown::escape;
use twinstory_model::strings::{format_date, Lang};
use twinstory_model::Step;

/// Words a minute a reader reads, for the reading time computed from the
/// text (a common figure for reading on screens; German and English alike).
pub const WORDS_PER_MINUTE: usize = 200;

/// What the cover shows besides the introduction's text.
pub(crate) struct Cover<'a> {
    /// The story's language tag.
    pub lang: &'a str,
    /// One or two sentences about the story.
    pub summary: Option<&'a str>,
    /// The authors' names.
    pub authors: &'a [String],
    /// The date, `YYYY-MM-DD` (checked).
    pub date: Option<&'a str>,
    /// The reading time the author gave, in minutes.
    pub reading_time: Option<u32>,
    /// The cover image: its address and alt text.
    pub image: Option<(&'a str, &'a str)>,
    /// The story's versions in other languages.
    pub translations: &'a [crate::Translation],
}

impl Cover<'_> {
    /// The cover's HTML around `intro` (the introduction's HTML); `steps`
    /// give the reading time's words and the chapters.
    pub fn html(&self, intro: &str, steps: &[Step]) -> String {
        let words = self.lang_words();
        let mut out = String::new();
        if let Some(s) = self.summary.filter(|s| !s.trim().is_empty()) {
            out.push_str(&format!(
                "<p class=\"ts-summary\">{}</p>\n",
                escape(s.trim())
            ));
        }
        let mut line: Vec<String> = Vec::new();
        if !self.authors.is_empty() {
            line.push(escape(&self.authors.join(", ")));
        }
        if let Some(d) = self.date.and_then(|d| format_date(d, self.lang)) {
            line.push(escape(&d));
        }
        let minutes = self
            .reading_time
            .unwrap_or_else(|| reading_minutes(intro, steps));
        line.push(escape(&(words.reading_time)(minutes)));
        out.push_str(&format!(
            "<p class=\"ts-byline\">{}</p>\n",
            line.join(" · ")
        ));
        // Each other version, named in its own language („Deutsche Fassung“
        // on the English story), so readers of that language find it.
        if !self.translations.is_empty() {
            let links: Vec<String> = self
                .translations
                .iter()
                .map(|t| {
                    let tag = escape(&t.lang);
                    format!(
                        "<a href=\"{}\" hreflang=\"{tag}\" lang=\"{tag}\">{}</a>",
                        escape(&t.href()),
                        escape(Lang::of(&t.lang).cover_words().this_version)
                    )
                })
                .collect();
            out.push_str(&format!(
                "<p class=\"ts-translations\">{}</p>\n",
                links.join(" · ")
            ));
        }
        if let Some((url, alt)) = self.image {
            out.push_str(&format!(
                "<figure class=\"ts-cover\"><img src=\"{}\" alt=\"{}\"></figure>\n",
                escape(url),
                escape(alt)
            ));
        }
        out.push_str(intro);
        let chapters: Vec<(&str, &str)> = steps
            .iter()
            .filter_map(|s| Some((s.id.as_str(), s.chapter.as_deref()?)))
            .collect();
        if !chapters.is_empty() {
            let name = escape(words.contents);
            out.push_str(&format!(
                "<nav class=\"ts-toc\" aria-label=\"{name}\"><h2>{name}</h2><ol>"
            ));
            for (id, title) in chapters {
                out.push_str(&format!(
                    "<li><a href=\"#{}\">{}</a></li>",
                    escape(id),
                    escape(title)
                ));
            }
            out.push_str("</ol></nav>\n");
        }
        out
    }

    fn lang_words(&self) -> &'static twinstory_model::strings::CoverWords {
        Lang::of(self.lang).cover_words()
    }
}

/// The minutes the text takes to read at [`WORDS_PER_MINUTE`], rounded up,
/// at least 1: the introduction, every step's title and text (the words of
/// the HTML, without its tags).
pub fn reading_minutes(intro: &str, steps: &[Step]) -> u32 {
    let words = count_words(intro)
        + steps
            .iter()
            .map(|s| count_words(&s.title) + count_words(&s.html))
            .sum::<usize>();
    words.div_ceil(WORDS_PER_MINUTE).max(1) as u32
}

/// The words of HTML text: runs with a letter or digit, tags left out.
fn count_words(html: &str) -> usize {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str, html: &str, chapter: Option<&str>) -> Step {
        let mut s: Step =
            serde_json::from_str(&format!(r#"{{"id": "{id}", "title": "Titel"}}"#)).unwrap();
        s.html = html.to_owned();
        s.chapter = chapter.map(str::to_owned);
        s
    }

    #[test]
    fn words_are_counted_without_tags() {
        assert_eq!(
            count_words("<p>Ein <em>kurzer</em> Satz – mit 3 Wörtern.</p>"),
            6
        );
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("<img src=\"a b c.png\" alt=\"x y\">"), 0);
    }

    #[test]
    fn reading_time_rounds_up_at_200_words_a_minute() {
        let words = |n: usize| format!("<p>{}</p>", vec!["Wort"; n].join(" "));
        // 199 words of text and the title's one: one minute; one more, two.
        assert_eq!(reading_minutes(&words(199), &[step("a", "", None)]), 1);
        assert_eq!(reading_minutes(&words(200), &[step("a", "", None)]), 2);
        assert_eq!(reading_minutes("", &[]), 1);
        assert_eq!(reading_minutes("", &[step("a", &words(999), None)]), 5);
    }

    #[test]
    fn the_cover_has_its_line_image_and_contents() {
        let authors = vec!["Anna".to_owned(), "Ben <B>".to_owned()];
        let cover = Cover {
            lang: "de",
            summary: Some("Worum es geht."),
            authors: &authors,
            date: Some("2026-05-04"),
            reading_time: Some(7),
            image: Some(("img/cover.jpg", "Kinder \"rutschen\"")),
            translations: &[crate::Translation {
                lang: "en".into(),
                folder: "where-children-play".into(),
                pos: Default::default(),
                lang_pos: Default::default(),
            }],
        };
        let steps = [step("a", "", Some("Erstens")), step("b", "", None)];
        let html = cover.html("<p>Intro</p>\n", &steps);
        assert!(
            html.starts_with("<p class=\"ts-summary\">Worum es geht.</p>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<p class=\"ts-byline\">Anna, Ben &lt;B&gt; · 4. Mai 2026 · 7 Minuten Lesezeit</p>"
            ),
            "{html}"
        );
        // The English version, named in English and marked as English.
        assert!(
            html.contains("<p class=\"ts-translations\"><a href=\"../where-children-play/\" hreflang=\"en\" lang=\"en\">English version</a></p>"),
            "{html}"
        );
        assert!(
            html.contains("alt=\"Kinder &quot;rutschen&quot;\""),
            "{html}"
        );
        assert!(html.contains("<p>Intro</p>\n<nav class=\"ts-toc\" aria-label=\"Inhalt\"><h2>Inhalt</h2><ol><li><a href=\"#a\">Erstens</a></li></ol></nav>"), "{html}");
        // English, computed time, no chapters: no contents.
        let en = Cover {
            lang: "en",
            summary: None,
            authors: &[],
            date: Some("2026-05-04"),
            reading_time: None,
            image: None,
            translations: &[],
        };
        let html = en.html("", &[step("a", "", None)]);
        assert_eq!(html, "<p class=\"ts-byline\">4 May 2026 · 1 min read</p>\n");
    }
}

//! The words a view adds around the book's own text (headings, buttons, "The end."),
//! in the book's language: English, and the languages an edition is most often made in.
//! A language without its own words here gets English ones, marked `lang="en"` where a
//! view can mark them.

use serde::Serialize;

/// A view's own words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Words {
    /// The language these words are in (`en` when the book's has none of its own).
    pub lang: &'static str,
    /// The last line of an ending.
    pub the_end: &'static str,
    /// Heading of the table of contents.
    pub contents: &'static str,
    /// Heading of the codex.
    pub glossary: &'static str,
    /// Before a section's content notes.
    pub content_notes: &'static str,
    /// The skip link at the top of the HTML view.
    pub skip: &'static str,
    /// The EPUB's link from the title page into the story.
    pub begin: &'static str,
    /// The EPUB cover page's title.
    pub cover: &'static str,
    /// Play-mode buttons: play, continue, read, restart.
    pub play: &'static str,
    /// Continue a kept game.
    pub continue_: &'static str,
    /// Back to reading the whole book.
    pub read: &'static str,
    /// Start again.
    pub restart: &'static str,
    /// The restart question.
    pub restart_question: &'static str,
    /// Confirm a restart.
    pub restart_yes: &'static str,
    /// Refuse a restart.
    pub restart_no: &'static str,
    /// Heading of the saves dialog.
    pub saved_games: &'static str,
    /// Button that opens the saves dialog.
    pub saves: &'static str,
    /// Back from a codex entry to the story.
    pub back_to_story: &'static str,
    /// Before a sound's transcript.
    pub sound: &'static str,
    /// Inside an audio element, for readers whose reader cannot play it.
    pub no_audio: &'static str,
    /// A paper gamebook's "turn to N" ("Turn to").
    pub turn_to: &'static str,
    /// A paper gamebook's gate ("If {condition}, turn to N"): the word before the condition.
    pub if_: &'static str,
    /// Before the author's name.
    pub by: &'static str,
    /// Before a codex entry's related entries.
    pub see_also: &'static str,
    /// The EPUB's title page, as its navigation names it.
    pub title_page: &'static str,
}

const EN: Words = Words {
    lang: "en",
    title_page: "Title page",
    by: "by",
    see_also: "See also",
    the_end: "The end.",
    contents: "Contents",
    glossary: "Glossary",
    content_notes: "Content notes",
    skip: "Skip to the story",
    begin: "Begin the story",
    cover: "Cover",
    play: "Play",
    continue_: "Continue",
    read: "Read the whole book",
    restart: "Restart",
    restart_question: "Start again from the beginning? What you carry is lost; your saved games are kept.",
    restart_yes: "Start again",
    restart_no: "Keep playing",
    saved_games: "Saved games",
    saves: "Saves",
    back_to_story: "Back to the story",
    sound: "Sound",
    no_audio: "This reader cannot play the sound; its transcript follows.",
    turn_to: "Turn to",
    if_: "If",
};

const FR: Words = Words {
    lang: "fr",
    title_page: "Page de titre",
    by: "par",
    see_also: "Voir aussi",
    the_end: "Fin.",
    contents: "Sommaire",
    glossary: "Glossaire",
    content_notes: "Avertissements",
    skip: "Aller au récit",
    begin: "Commencer le récit",
    cover: "Couverture",
    play: "Jouer",
    continue_: "Reprendre",
    read: "Lire le livre entier",
    restart: "Recommencer",
    restart_question: "Recommencer depuis le début ? Ce que vous portez sera perdu ; vos parties sauvegardées sont conservées.",
    restart_yes: "Recommencer",
    restart_no: "Continuer à jouer",
    saved_games: "Parties sauvegardées",
    saves: "Sauvegardes",
    back_to_story: "Retour au récit",
    sound: "Son",
    no_audio: "Cette liseuse ne peut pas jouer le son ; en voici la transcription.",
    turn_to: "Rendez-vous au",
    if_: "Si",
};

const DE: Words = Words {
    lang: "de",
    title_page: "Titelseite",
    by: "von",
    see_also: "Siehe auch",
    the_end: "Ende.",
    contents: "Inhalt",
    glossary: "Glossar",
    content_notes: "Inhaltshinweise",
    skip: "Zur Geschichte springen",
    begin: "Die Geschichte beginnen",
    cover: "Umschlag",
    play: "Spielen",
    continue_: "Weiterspielen",
    read: "Das ganze Buch lesen",
    restart: "Neu beginnen",
    restart_question: "Von vorn beginnen? Was Sie bei sich tragen, geht verloren; Ihre gespeicherten Spiele bleiben erhalten.",
    restart_yes: "Neu beginnen",
    restart_no: "Weiterspielen",
    saved_games: "Gespeicherte Spiele",
    saves: "Spielstände",
    back_to_story: "Zurück zur Geschichte",
    sound: "Ton",
    no_audio: "Dieses Lesegerät kann den Ton nicht abspielen; hier ist die Abschrift.",
    turn_to: "Weiter bei",
    if_: "Wenn",
};

const ES: Words = Words {
    lang: "es",
    title_page: "Portadilla",
    by: "por",
    see_also: "Véase también",
    the_end: "Fin.",
    contents: "Índice",
    glossary: "Glosario",
    content_notes: "Advertencias",
    skip: "Ir a la historia",
    begin: "Empezar la historia",
    cover: "Cubierta",
    play: "Jugar",
    continue_: "Continuar",
    read: "Leer el libro entero",
    restart: "Reiniciar",
    restart_question: "¿Empezar de nuevo desde el principio? Lo que llevas se pierde; tus partidas guardadas se conservan.",
    restart_yes: "Empezar de nuevo",
    restart_no: "Seguir jugando",
    saved_games: "Partidas guardadas",
    saves: "Partidas",
    back_to_story: "Volver a la historia",
    sound: "Sonido",
    no_audio: "Este lector no puede reproducir el sonido; sigue su transcripción.",
    turn_to: "Pasa al",
    if_: "Si",
};

/// The view words for a book in `language` (a BCP 47 tag): its own when there are some
/// for its primary language, else English.
pub fn for_language(language: &str) -> &'static Words {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match primary.as_str() {
        "fr" => &FR,
        "de" => &DE,
        "es" => &ES,
        _ => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_gets_its_words_by_its_primary_tag_and_others_get_english() {
        assert_eq!(for_language("fr").the_end, "Fin.");
        assert_eq!(for_language("fr-CA").lang, "fr");
        assert_eq!(for_language("pt-BR").lang, "en");
        assert_eq!(for_language("").lang, "en");
    }
}

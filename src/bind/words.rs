//! The words a view adds around the book's own text (headings, buttons, "The end."),
//! in the book's language: English, and the languages an edition is most often made in.
//! A language without its own words here gets English ones, marked `lang="en"` where a
//! view can mark them.

use serde::Serialize;

/// The HTML player's messages (`{n}`, `{title}`, `{why}`, `{tag}`, `{page}`, `{value}`,
/// `{before}` are filled in by its script).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Player {
    /// Player message `saves_off`.
    pub saves_off: &'static str,
    /// Player message `storage_full`.
    pub storage_full: &'static str,
    /// Player message `storage_refused`.
    pub storage_refused: &'static str,
    /// Player message `save_unreadable`.
    pub save_unreadable: &'static str,
    /// Player message `save_other_book`.
    pub save_other_book: &'static str,
    /// Player message `save_other_snapshot`.
    pub save_other_snapshot: &'static str,
    /// Player message `kept_cannot_continue`.
    pub kept_cannot_continue: &'static str,
    /// Player message `saved_in`.
    pub saved_in: &'static str,
    /// Player message `not_loaded`.
    pub not_loaded: &'static str,
    /// Player message `loaded`.
    pub loaded: &'static str,
    /// Player message `emptied`.
    pub emptied: &'static str,
    /// Player message `slot`.
    pub slot: &'static str,
    /// Player message `save_in`.
    pub save_in: &'static str,
    /// Player message `load`.
    pub load: &'static str,
    /// Player message `delete`.
    pub delete: &'static str,
    /// Player message `empty`.
    pub empty: &'static str,
    /// Player message `unreadable`.
    pub unreadable: &'static str,
    /// Player message `elsewhere`.
    pub elsewhere: &'static str,
    /// Player message `restarted`.
    pub restarted: &'static str,
    /// Player message `cannot_restore`.
    pub cannot_restore: &'static str,
    /// Player message `was`.
    pub was: &'static str,
}

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
    /// The HTML player's messages.
    pub player: Player,
}

const EN: Words = Words {
    lang: "en",
    player: Player {
        saves_off: "Saves are off: {why} You can still play; nothing will be kept.",
        storage_full: "this browser's storage for the page is full.",
        storage_refused: "this browser refused to keep them.",
        save_unreadable: "That save could not be read.",
        save_other_book: "That save belongs to another book.",
        save_other_snapshot: "That save was made in snapshot {tag} of this book, and this page is snapshot {page}: a save only loads into the snapshot it was made in.",
        kept_cannot_continue: "The game kept in this browser cannot continue here. {why}",
        saved_in: "Saved in slot {n}: {title}.",
        not_loaded: "Slot {n} was not loaded. {why}",
        loaded: "Loaded slot {n}: {title}.",
        emptied: "Slot {n} is empty now.",
        slot: "Slot {n}: ",
        save_in: "Save in slot {n}",
        load: "Load slot {n}",
        delete: "Delete slot {n}",
        empty: "empty",
        unreadable: "unreadable",
        elsewhere: " (snapshot {tag}, cannot be loaded here)",
        restarted: "Started again from the beginning. Your saved games are kept.",
        cannot_restore: "That place in the story cannot be restored here; press Play to begin.",
        was: "{value} (was {before})",
    },
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
    player: Player {
        saves_off: "Sauvegardes désactivées : {why} Vous pouvez jouer quand même ; rien ne sera conservé.",
        storage_full: "la mémoire de ce navigateur pour la page est pleine.",
        storage_refused: "ce navigateur refuse de les garder.",
        save_unreadable: "Cette sauvegarde est illisible.",
        save_other_book: "Cette sauvegarde appartient à un autre livre.",
        save_other_snapshot: "Cette sauvegarde a été faite dans l’instantané {tag} de ce livre, et cette page est l’instantané {page} : une sauvegarde ne se charge que dans l’instantané où elle a été faite.",
        kept_cannot_continue: "La partie gardée dans ce navigateur ne peut pas reprendre ici. {why}",
        saved_in: "Sauvegardé dans l’emplacement {n} : {title}.",
        not_loaded: "L’emplacement {n} n’a pas été chargé. {why}",
        loaded: "Emplacement {n} chargé : {title}.",
        emptied: "L’emplacement {n} est vide.",
        slot: "Emplacement {n} : ",
        save_in: "Sauvegarder dans l’emplacement {n}",
        load: "Charger l’emplacement {n}",
        delete: "Effacer l’emplacement {n}",
        empty: "vide",
        unreadable: "illisible",
        elsewhere: " (instantané {tag}, ne peut pas être chargé ici)",
        restarted: "Reprise depuis le début. Vos parties sauvegardées sont conservées.",
        cannot_restore: "Ce passage du récit ne peut pas être rétabli ici ; appuyez sur Jouer pour commencer.",
        was: "{value} (avant : {before})",
    },
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
    player: Player {
        saves_off: "Speichern ist aus: {why} Sie können weiterspielen; nichts wird behalten.",
        storage_full: "der Speicher dieses Browsers für die Seite ist voll.",
        storage_refused: "dieser Browser verweigert das Speichern.",
        save_unreadable: "Dieser Spielstand ist nicht lesbar.",
        save_other_book: "Dieser Spielstand gehört zu einem anderen Buch.",
        save_other_snapshot: "Dieser Spielstand stammt aus Stand {tag} dieses Buches, diese Seite ist Stand {page}: ein Spielstand lädt nur in dem Stand, in dem er entstand.",
        kept_cannot_continue: "Das in diesem Browser behaltene Spiel kann hier nicht weitergehen. {why}",
        saved_in: "In Platz {n} gespeichert: {title}.",
        not_loaded: "Platz {n} wurde nicht geladen. {why}",
        loaded: "Platz {n} geladen: {title}.",
        emptied: "Platz {n} ist jetzt leer.",
        slot: "Platz {n}: ",
        save_in: "In Platz {n} speichern",
        load: "Platz {n} laden",
        delete: "Platz {n} löschen",
        empty: "leer",
        unreadable: "unlesbar",
        elsewhere: " (Stand {tag}, kann hier nicht geladen werden)",
        restarted: "Von vorn begonnen. Ihre gespeicherten Spiele bleiben erhalten.",
        cannot_restore: "Diese Stelle der Geschichte lässt sich hier nicht wiederherstellen; drücken Sie Spielen, um zu beginnen.",
        was: "{value} (vorher {before})",
    },
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
    player: Player {
        saves_off: "Las partidas están desactivadas: {why} Puedes seguir jugando; no se guardará nada.",
        storage_full: "el almacenamiento de este navegador para la página está lleno.",
        storage_refused: "este navegador se niega a guardarlas.",
        save_unreadable: "No se pudo leer esa partida.",
        save_other_book: "Esa partida pertenece a otro libro.",
        save_other_snapshot: "Esa partida se hizo en la instantánea {tag} de este libro, y esta página es la instantánea {page}: una partida solo se carga en la instantánea en que se hizo.",
        kept_cannot_continue: "La partida guardada en este navegador no puede continuar aquí. {why}",
        saved_in: "Guardada en la ranura {n}: {title}.",
        not_loaded: "La ranura {n} no se cargó. {why}",
        loaded: "Ranura {n} cargada: {title}.",
        emptied: "La ranura {n} está vacía.",
        slot: "Ranura {n}: ",
        save_in: "Guardar en la ranura {n}",
        load: "Cargar la ranura {n}",
        delete: "Borrar la ranura {n}",
        empty: "vacía",
        unreadable: "ilegible",
        elsewhere: " (instantánea {tag}, no se puede cargar aquí)",
        restarted: "Empezaste de nuevo desde el principio. Tus partidas guardadas se conservan.",
        cannot_restore: "Ese punto de la historia no se puede restaurar aquí; pulsa Jugar para empezar.",
        was: "{value} (antes {before})",
    },
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

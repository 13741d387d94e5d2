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

/// Counter tests in words, one per comparison (`{n}` the value, `{name}` the counter's
/// name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Tests {
    /// `>=`
    pub ge: &'static str,
    /// `>`
    pub gt: &'static str,
    /// `<=`
    pub le: &'static str,
    /// `<`
    pub lt: &'static str,
    /// `==`
    pub eq: &'static str,
    /// `!=`
    pub ne: &'static str,
}

impl Tests {
    /// The words for one comparison.
    pub fn of(&self, op: crate::story::counters::Op) -> &'static str {
        use crate::story::counters::Op;
        match op {
            Op::Ge => self.ge,
            Op::Gt => self.gt,
            Op::Le => self.le,
            Op::Lt => self.lt,
            Op::Eq => self.eq,
            Op::Ne => self.ne,
        }
    }
}

/// The glue of a condition or a change assembled from a choice's codewords and counters
/// (`{n}` a number, `{name}` a counter's name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Clauses {
    /// Joins the last two items of a list ("a, b and c").
    pub and: &'static str,
    /// A counter test as a noun phrase ("at least 3 coins").
    pub need: Tests,
    /// A counter test as a clause after "if" ("you have at least 3 coins").
    pub have: Tests,
    /// A choice's cost, after its condition ("it costs 2 coins").
    pub costs: &'static str,
    /// A choice's cost as a clause after "if" ("you can pay 2 coins").
    pub can_pay: &'static str,
    /// A change that takes away ("lose 3 coins").
    pub lose: &'static str,
    /// A change that adds ("add 1 to renown").
    pub add: &'static str,
    /// A change that sets ("set renown to 2").
    pub set: &'static str,
}

/// A paper gamebook's own words: its title page, its rules, the sheet, the codex
/// appendix (`{n}`, `{tag}`, `{date}`, `{title}`, `{author}`, `{start}`, `{min}`,
/// `{max}` are filled in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Paper {
    /// Under the title: how many sections.
    pub gamebook_in: &'static str,
    /// The snapshot line of the title page.
    pub snapshot: &'static str,
    /// The snapshot line with its date.
    pub snapshot_dated: &'static str,
    /// Before the licence.
    pub licence: &'static str,
    /// The cover picture's alternative text.
    pub cover_of: &'static str,
    /// The cover picture's alternative text when the book has no author.
    pub cover_of_untitled: &'static str,
    /// The document's description (its metadata).
    pub description: &'static str,
    /// Heading of the rules.
    pub how_to_play: &'static str,
    /// The rules, before the link to section 1.
    pub rules_open: &'static str,
    /// The link to section 1.
    pub rules_begin: &'static str,
    /// The rules, between the link and the words of an ending.
    pub rules_choices: &'static str,
    /// The rules, after the words of an ending.
    pub rules_ending: &'static str,
    /// What a pencil is for.
    pub pencil: &'static str,
    /// Heading of the counters' boxes.
    pub your_sheet: &'static str,
    /// After a counter's name: where it starts and its range.
    pub counter_range: &'static str,
    /// Heading of the codeword checklist.
    pub codewords: &'static str,
    /// How the checklist is used.
    pub tick_help: &'static str,
    /// A codeword with no phrase, on the checklist.
    pub mark: &'static str,
    /// Before the book's content notes.
    pub touches_on: &'static str,
    /// Before a codeword a section sets.
    pub tick_on_sheet: &'static str,
    /// The outline's entry for the numbered sections.
    pub sections: &'static str,
    /// Heading of the codex appendix.
    pub codex: &'static str,
    /// Under that heading.
    pub codex_intro: &'static str,
    /// A link into the codex.
    pub codex_entry: &'static str,
    /// A link to a named codex entry.
    pub codex_entry_named: &'static str,
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
    /// The Markdown view's link to the first section ("Begin at").
    pub begin_at: &'static str,
    /// The EPUB's accessibility summary.
    pub accessibility_summary: &'static str,
    /// Added to it when the book has sounds.
    pub sound_summary: &'static str,
    /// A colon after a label ("Sound: "), as the language spaces it.
    pub colon: &'static str,
    /// The HTML player's messages.
    pub player: Player,
    /// Conditions and changes assembled from codewords and counters.
    pub clauses: Clauses,
    /// The print gamebook's own words.
    pub paper: Paper,
}

const EN: Words = Words {
    lang: "en",
    begin_at: "Begin at",
    accessibility_summary: "An interactive gamebook: each section ends with links to the sections a reader may choose next; choices that depend on earlier events say so in words. Every image has a text alternative.",
    sound_summary: " Every sound has a written transcript beside it.",
    colon: ": ",
    clauses: Clauses {
        and: "and",
        need: Tests {
            ge: "at least {n} {name}",
            gt: "more than {n} {name}",
            le: "at most {n} {name}",
            lt: "fewer than {n} {name}",
            eq: "exactly {n} {name}",
            ne: "{name} other than {n}",
        },
        have: Tests {
            ge: "you have at least {n} {name}",
            gt: "you have more than {n} {name}",
            le: "you have at most {n} {name}",
            lt: "you have fewer than {n} {name}",
            eq: "you have exactly {n} {name}",
            ne: "your {name} are not {n}",
        },
        costs: "it costs {n} {name}",
        can_pay: "you can pay {n} {name}",
        lose: "lose {n} {name}",
        add: "add {n} to {name}",
        set: "set {name} to {n}",
    },
    paper: Paper {
        gamebook_in: "A gamebook in {n} numbered sections",
        snapshot: "Snapshot {tag}",
        snapshot_dated: "Snapshot {tag} ({date})",
        licence: "Licence: ",
        cover_of: "Cover of {title} by {author}",
        cover_of_untitled: "Cover of {title}",
        description: "A numbered gamebook bound from snapshot {tag} ({date})",
        how_to_play: "How to play",
        rules_open: "This book is a game, and you choose what happens. Do not read it from front to back: ",
        rules_begin: "begin at section 1",
        rules_choices: ". Each section ends with choices, and each choice tells you which numbered section to turn to next. A section that ends with ",
        rules_ending: " is an ending; you may start again at 1 whenever you like.",
        pencil: "Keep a pencil by you. Some sections tell you to tick a box or change a number on your sheet below, and some choices are open only if your sheet says so.",
        your_sheet: "Your sheet",
        counter_range: ": you start with {start}; it can be from {min} to {max}.",
        codewords: "Codewords",
        tick_help: "Tick a box when a section tells you to; a choice may ask whether it is ticked.",
        mark: "Mark {n}",
        touches_on: "This book touches on: ",
        tick_on_sheet: "Tick on your sheet: ",
        sections: "Sections",
        codex: "Appendix: the codex",
        codex_intro: "Words and names of the book, to look up at any time.",
        codex_entry: "Codex entry",
        codex_entry_named: "Codex entry: {title}",
    },
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
    begin_at: "Commencer à",
    accessibility_summary: "Un livre-jeu interactif : chaque section se termine par des liens vers les sections que le lecteur peut choisir ensuite ; les choix qui dépendent d’événements antérieurs le disent en toutes lettres. Chaque image a une alternative textuelle.",
    sound_summary: " Chaque son a une transcription écrite à côté.",
    colon: " : ",
    clauses: Clauses {
        and: "et",
        need: Tests {
            ge: "au moins {n} {name}",
            gt: "plus de {n} {name}",
            le: "au plus {n} {name}",
            lt: "moins de {n} {name}",
            eq: "exactement {n} {name}",
            ne: "un nombre de {name} autre que {n}",
        },
        have: Tests {
            ge: "vous avez au moins {n} {name}",
            gt: "vous avez plus de {n} {name}",
            le: "vous avez au plus {n} {name}",
            lt: "vous avez moins de {n} {name}",
            eq: "vous avez exactement {n} {name}",
            ne: "vous n’avez pas exactement {n} {name}",
        },
        costs: "cela coûte {n} {name}",
        can_pay: "vous pouvez payer {n} {name}",
        lose: "perdez {n} {name}",
        add: "gagnez {n} {name}",
        set: "{name} : notez {n}",
    },
    paper: Paper {
        gamebook_in: "Un livre-jeu en {n} paragraphes numérotés",
        snapshot: "Instantané {tag}",
        snapshot_dated: "Instantané {tag} ({date})",
        licence: "Licence : ",
        cover_of: "Couverture de {title}, par {author}",
        cover_of_untitled: "Couverture de {title}",
        description: "Un livre-jeu numéroté, relié depuis l’instantané {tag} ({date})",
        how_to_play: "Comment jouer",
        rules_open: "Ce livre est un jeu, et c’est vous qui choisissez ce qui arrive. Ne le lisez pas du début à la fin : ",
        rules_begin: "commencez au paragraphe 1",
        rules_choices: ". Chaque paragraphe se termine par des choix, et chaque choix vous indique à quel paragraphe numéroté vous rendre ensuite. Un paragraphe qui se termine par ",
        rules_ending: " est une fin ; vous pouvez recommencer au 1 quand vous le voulez.",
        pencil: "Gardez un crayon à portée de main. Certains paragraphes vous demandent de cocher une case ou de changer un nombre sur votre feuille ci-dessous, et certains choix ne sont ouverts que si votre feuille le permet.",
        your_sheet: "Votre feuille d’aventure",
        counter_range: " : vous commencez avec {start} ; de {min} à {max}.",
        codewords: "Mots de code",
        tick_help: "Cochez une case quand un paragraphe vous le demande ; un choix peut vous demander si elle est cochée.",
        mark: "Marque {n}",
        touches_on: "Ce livre aborde : ",
        tick_on_sheet: "Cochez sur votre feuille : ",
        sections: "Paragraphes",
        codex: "Annexe : le codex",
        codex_intro: "Les mots et les noms du livre, à consulter à tout moment.",
        codex_entry: "Entrée du codex",
        codex_entry_named: "Entrée du codex : {title}",
    },
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
    begin_at: "Beginnen bei",
    accessibility_summary: "Ein interaktives Spielbuch: Jeder Abschnitt endet mit Links zu den Abschnitten, die man als Nächstes wählen kann; Entscheidungen, die von früheren Ereignissen abhängen, sagen das in Worten. Jedes Bild hat eine Textalternative.",
    sound_summary: " Jeder Ton hat eine schriftliche Abschrift daneben.",
    colon: ": ",
    clauses: Clauses {
        and: "und",
        need: Tests {
            ge: "mindestens {n} {name}",
            gt: "mehr als {n} {name}",
            le: "höchstens {n} {name}",
            lt: "weniger als {n} {name}",
            eq: "genau {n} {name}",
            ne: "{name} ungleich {n}",
        },
        have: Tests {
            ge: "Sie mindestens {n} {name} haben",
            gt: "Sie mehr als {n} {name} haben",
            le: "Sie höchstens {n} {name} haben",
            lt: "Sie weniger als {n} {name} haben",
            eq: "Sie genau {n} {name} haben",
            ne: "Sie nicht genau {n} {name} haben",
        },
        costs: "es kostet {n} {name}",
        can_pay: "Sie {n} {name} zahlen können",
        lose: "ziehen Sie {n} von {name} ab",
        add: "zählen Sie {n} zu {name} hinzu",
        set: "setzen Sie {name} auf {n}",
    },
    paper: Paper {
        gamebook_in: "Ein Spielbuch in {n} nummerierten Abschnitten",
        snapshot: "Stand {tag}",
        snapshot_dated: "Stand {tag} ({date})",
        licence: "Lizenz: ",
        cover_of: "Umschlag von {title}, von {author}",
        cover_of_untitled: "Umschlag von {title}",
        description: "Ein nummeriertes Spielbuch, gebunden aus Stand {tag} ({date})",
        how_to_play: "So wird gespielt",
        rules_open: "Dieses Buch ist ein Spiel, und Sie entscheiden, was geschieht. Lesen Sie es nicht von vorn nach hinten: ",
        rules_begin: "beginnen Sie bei Abschnitt 1",
        rules_choices: ". Jeder Abschnitt endet mit Entscheidungen, und jede nennt den nummerierten Abschnitt, bei dem Sie weiterlesen. Ein Abschnitt, der mit ",
        rules_ending: " endet, ist ein Ende; Sie können jederzeit wieder bei 1 beginnen.",
        pencil: "Halten Sie einen Bleistift bereit. Manche Abschnitte lassen Sie ein Kästchen ankreuzen oder eine Zahl auf Ihrem Bogen unten ändern, und manche Entscheidungen stehen nur offen, wenn Ihr Bogen es erlaubt.",
        your_sheet: "Ihr Bogen",
        counter_range: ": zu Beginn {start}; möglich von {min} bis {max}.",
        codewords: "Kennwörter",
        tick_help: "Kreuzen Sie ein Kästchen an, wenn ein Abschnitt es verlangt; eine Entscheidung kann fragen, ob es angekreuzt ist.",
        mark: "Zeichen {n}",
        touches_on: "Dieses Buch berührt: ",
        tick_on_sheet: "Kreuzen Sie auf Ihrem Bogen an: ",
        sections: "Abschnitte",
        codex: "Anhang: der Codex",
        codex_intro: "Wörter und Namen des Buches, jederzeit nachzuschlagen.",
        codex_entry: "Codex-Eintrag",
        codex_entry_named: "Codex-Eintrag: {title}",
    },
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
    begin_at: "Empieza en",
    accessibility_summary: "Un librojuego interactivo: cada sección termina con enlaces a las secciones que se pueden elegir a continuación; las decisiones que dependen de sucesos anteriores lo dicen con palabras. Cada imagen tiene una alternativa textual.",
    sound_summary: " Cada sonido tiene una transcripción escrita al lado.",
    colon: ": ",
    clauses: Clauses {
        and: "y",
        need: Tests {
            ge: "al menos {n} {name}",
            gt: "más de {n} {name}",
            le: "como mucho {n} {name}",
            lt: "menos de {n} {name}",
            eq: "exactamente {n} {name}",
            ne: "{name} distinto de {n}",
        },
        have: Tests {
            ge: "tienes al menos {n} {name}",
            gt: "tienes más de {n} {name}",
            le: "tienes como mucho {n} {name}",
            lt: "tienes menos de {n} {name}",
            eq: "tienes exactamente {n} {name}",
            ne: "no tienes exactamente {n} {name}",
        },
        costs: "cuesta {n} {name}",
        can_pay: "puedes pagar {n} {name}",
        lose: "pierde {n} {name}",
        add: "suma {n} a {name}",
        set: "pon {name} en {n}",
    },
    paper: Paper {
        gamebook_in: "Un librojuego en {n} secciones numeradas",
        snapshot: "Instantánea {tag}",
        snapshot_dated: "Instantánea {tag} ({date})",
        licence: "Licencia: ",
        cover_of: "Cubierta de {title}, de {author}",
        cover_of_untitled: "Cubierta de {title}",
        description: "Un librojuego numerado, encuadernado desde la instantánea {tag} ({date})",
        how_to_play: "Cómo jugar",
        rules_open: "Este libro es un juego, y tú eliges lo que ocurre. No lo leas de principio a fin: ",
        rules_begin: "empieza en la sección 1",
        rules_choices: ". Cada sección termina con decisiones, y cada decisión te dice a qué sección numerada pasar después. Una sección que termina con ",
        rules_ending: " es un final; puedes volver a empezar en la 1 cuando quieras.",
        pencil: "Ten un lápiz a mano. Algunas secciones te piden marcar una casilla o cambiar un número en tu hoja de abajo, y algunas decisiones solo están abiertas si tu hoja lo permite.",
        your_sheet: "Tu hoja de aventura",
        counter_range: ": empiezas con {start}; puede ir de {min} a {max}.",
        codewords: "Palabras clave",
        tick_help: "Marca una casilla cuando una sección te lo pida; una decisión puede preguntar si está marcada.",
        mark: "Marca {n}",
        touches_on: "Este libro trata: ",
        tick_on_sheet: "Marca en tu hoja: ",
        sections: "Secciones",
        codex: "Apéndice: el códice",
        codex_intro: "Palabras y nombres del libro, para consultar en cualquier momento.",
        codex_entry: "Entrada del códice",
        codex_entry_named: "Entrada del códice: {title}",
    },
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

/// Fills a phrase's `{slot}`s with their values; a slot without a value stays as written.
pub fn fill(template: &str, slots: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| Some((close, slots.iter().find(|(k, _)| *k == &after[..close])?)))
        {
            Some((close, (_, value))) => {
                out.push_str(&value.to_string());
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every text of a table of words (or part of one), in field order (for tests).
#[cfg(test)]
pub(crate) fn strings(words: &impl Serialize) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(words).unwrap_or_default(), &mut out);
    out
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

    #[test]
    fn fill_puts_values_in_their_slots_and_keeps_unknown_ones() {
        assert_eq!(
            fill("lose {n} {name}", &[("n", &3), ("name", &"coins")]),
            "lose 3 coins"
        );
        assert_eq!(fill("{x} {n}", &[("n", &1)]), "{x} 1");
        assert_eq!(fill("{ {n}}", &[("n", &2)]), "{ 2}");
        assert_eq!(fill("no slots", &[]), "no slots");
    }

    #[test]
    fn every_language_fills_the_same_slots_as_english() {
        let slots = |t: &str| {
            let mut v: Vec<String> = t
                .split('{')
                .skip(1)
                .filter_map(|x| x.split_once('}').map(|(k, _)| k.to_string()))
                .collect();
            v.sort();
            v
        };
        let all = |w: &Words| -> Vec<Vec<String>> { strings(w).iter().map(|t| slots(t)).collect() };
        for w in [&FR, &DE, &ES] {
            assert_eq!(all(w), all(&EN), "{}", w.lang);
        }
    }
}

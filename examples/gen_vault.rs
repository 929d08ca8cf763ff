//! Deterministic generator of a synthetic kith vault, for benchmarks.
//!
//! ```text
//! cargo run --release --example gen_vault -- --out DIR [--contacts 10000] [--interactions 20]
//!     [--meetings 2000] [--seed 42] [--today 2026-11-23] [--force]
//! ```
//!
//! Standard library only. The same arguments always give byte-identical output: the only source of
//! variety is a splitmix64 generator seeded by `--seed`, and nothing depends on the clock, the
//! environment or hash-map order. With the defaults the vault is about 70 MB: 10,000 contact notes
//! under `People/` (about 5.5 KB each) and 2,000 meeting notes under `Meetings/` (about 7 KB each),
//! plus `kith.toml` and `.obsidian/app.json`.
//!
//! `DIR` must be missing or empty, unless `--force` is given: then files are written over, and files
//! that the generator does not make are left as they are.
//!
//! `--hostile` adds, next to the generated notes, the hostile notes of the robustness tests (the
//! same list as `tests/it/hostile.rs`, at full size, about 95 MB): YAML alias bombs, binary files
//! named `.md`, a 20 MB note with a long log, a 20 MB note of `[`, 5 MB single lines, 20,000
//! levels of nested quotes, lists, images and YAML, NUL bytes, empty and BOM-only files, a
//! front-matter that never closes, wrong property types, impossible dates, bad cadences, and
//! (on Unix) symbolic-link loops and links out of the vault (`/`, `..`, `/etc/passwd`). They go
//! under `People/Hostile/` (contacts) and `Notes/Hostile/`. For measuring peak memory:
//!
//! ```text
//! cargo build --release --examples
//! target/release/examples/gen_vault --out /tmp/hostile --contacts 100 --meetings 20 --hostile
//! /usr/bin/time -f '%M KB' target/release/kith --vault /tmp/hostile --today 2026-11-23 check
//! ```

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

const USAGE: &str = "usage: gen_vault --out DIR [--contacts N] [--interactions N] [--meetings N] \
[--seed N] [--today YYYY-MM-DD] [--force] [--hostile]

Writes a deterministic synthetic kith vault (defaults: 10000 contacts, 20 interactions each,
2000 meeting notes, seed 42, today 2026-11-23; about 70 MB). DIR must be missing or empty
unless --force is given. --hostile adds the hostile notes of the robustness tests (about
95 MB more) under People/Hostile/ and Notes/Hostile/.";

struct Args {
    out: PathBuf,
    contacts: usize,
    interactions: usize,
    meetings: usize,
    seed: u64,
    today: i64,
    force: bool,
    hostile: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut contacts = 10_000usize;
    let mut interactions = 20usize;
    let mut meetings = 2_000usize;
    let mut seed = 42u64;
    let mut today = days_from_civil(2026, 11, 23);
    let mut force = false;
    let mut hostile = false;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it.next().ok_or_else(|| format!("{name} needs a value")),
            }
        };
        let number = |name: &str, v: String| -> Result<u64, String> {
            v.trim()
                .parse::<u64>()
                .map_err(|_| format!("{name}: not a non-negative integer: {v:?}"))
        };
        match key.as_str() {
            "--out" | "-o" => out = Some(PathBuf::from(value("--out")?)),
            "--contacts" => contacts = number("--contacts", value("--contacts")?)? as usize,
            "--interactions" => {
                interactions = number("--interactions", value("--interactions")?)? as usize;
            }
            "--meetings" => meetings = number("--meetings", value("--meetings")?)? as usize,
            "--seed" => seed = number("--seed", value("--seed")?)?,
            "--today" => {
                let v = value("--today")?;
                today = parse_date(&v)
                    .ok_or_else(|| format!("--today: not a YYYY-MM-DD date: {v:?}"))?;
            }
            "--force" => force = true,
            "--hostile" => hostile = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    if meetings > 0 && contacts < 2 {
        return Err("meeting notes need at least 2 contacts".into());
    }
    Ok(Args {
        out,
        contacts,
        interactions,
        meetings,
        seed,
        today,
        force,
        hostile,
    })
}

// ---------------------------------------------------------------------------------------------
// Randomness: splitmix64
// ---------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x6b69_7468_5f67_656e) // "kith_gen"
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    /// `k` distinct indices of `0..n`, in the order drawn.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let k = k.min(n);
        let mut out: Vec<usize> = Vec::with_capacity(k);
        while out.len() < k {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Dates (proleptic Gregorian, days since 1970-01-01)
// ---------------------------------------------------------------------------------------------

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn days_in_month(y: i64, m: i64) -> i64 {
    days_from_civil(
        if m == 12 { y + 1 } else { y },
        if m == 12 { 1 } else { m + 1 },
        1,
    ) - days_from_civil(y, m, 1)
}

fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s[0..4].parse().ok()?;
    let m: i64 = s[5..7].parse().ok()?;
    let d: i64 = s[8..10].parse().ok()?;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn ymd(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Aaron", "Abigail", "Adam", "Adrian", "Aisha", "Alan", "Alice", "Amara", "Amir", "Ana",
    "Andrea", "Andrew", "Anika", "Anna", "Arjun", "Ben", "Bianca", "Bruno", "Camille", "Carlos",
    "Carmen", "Catherine", "Chen", "Chloe", "Chris", "Clara", "Daniel", "Daria", "David", "Diego",
    "Dmitri", "Elena", "Eli", "Elif", "Emeka", "Emily", "Emma", "Erik", "Ethan", "Fatima", "Felix",
    "Fiona", "Francesca", "Gabriel", "Grace", "Hana", "Hannah", "Hassan", "Helen", "Hugo", "Ines",
    "Ingrid", "Isaac", "Isabel", "Ivan", "Jack", "James", "Jana", "Javier", "Jin", "Joanna",
    "Jonas", "Jorge", "Julia", "Kai", "Karim", "Kate", "Kenji", "Laila", "Lars", "Laura", "Leo",
    "Lina", "Lucas", "Lucia", "Maya", "Marco", "Maria", "Mark", "Marta", "Mateo", "Mei", "Michael",
    "Mina", "Mohammed", "Nadia", "Naomi", "Nathan", "Nina", "Noah", "Nora", "Olga", "Omar", "Oscar",
    "Pablo", "Paul", "Priya", "Rafael", "Rahul", "Rania", "Rebecca", "Ricardo", "Rosa", "Ruth",
    "Sam", "Sara", "Sean", "Sofia", "Sophie", "Stefan", "Tariq", "Tessa", "Theo", "Tom", "Uma",
    "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zara", "Zoe", "Ada", "Grace", "Linus",
    "Margaret", "Ola", "Ravi", "Simone", "Tobias", "Ursula", "Wanjiru", "Xavier", "Yuki", "Zeynep",
    "Beatriz", "Kofi", "Leila", "Matteo", "Niamh", "Ophelia", "Pieter", "Quentin", "Ayumi", "Bo",
    "Dalia", "Farah",
];

#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Abbott", "Adeyemi", "Alvarez", "Andersen", "Bauer", "Becker", "Bennett", "Bianchi", "Brooks",
    "Castro", "Chen", "Clarke", "Costa", "Cruz", "Dubois", "Eriksson", "Evans", "Fischer",
    "Fernandez", "Fontaine", "Garcia", "Gomez", "Gupta", "Haddad", "Hansen", "Hartmann", "Hughes",
    "Ibrahim", "Ito", "Jensen", "Johansson", "Kahn", "Kang", "Kaur", "Keller", "Kim", "Kowalski",
    "Kumar", "Larsen", "Laurent", "Lee", "Lindqvist", "Lopez", "Lovelace", "Hopper", "Martin",
    "Mendes", "Meyer", "Moreau", "Morris", "Murphy", "Nakamura", "Nguyen", "Novak", "Nowak",
    "Okafor", "Olsen", "Ortiz", "Park", "Patel", "Perez", "Petrov", "Quinn", "Ramos", "Reyes",
    "Richter", "Rossi", "Russo", "Sato", "Schmidt", "Schneider", "Shah", "Silva", "Singh", "Smith",
    "Sokolov", "Suzuki", "Tanaka", "Taylor", "Thompson", "Torres", "Tran", "Varga", "Vogel",
    "Wagner", "Walker", "Wang", "Weber", "Williams", "Wilson", "Wong", "Yamamoto", "Yilmaz",
    "Young", "Zhang", "Zimmermann", "Mensah", "Osei", "Mwangi", "Banerjee", "Iyer", "Horvat",
    "Kovacs", "Dimitrov", "Popescu", "Novotny", "O'Brien", "MacLeod", "Fitzgerald", "Van Dijk",
    "De Vries", "Da Silva", "El Amrani", "Haidari",
];

/// Topics: `tags` use the slug (valid Obsidian tag), `interests` the phrase.
#[rustfmt::skip]
const TOPICS: &[(&str, &str)] = &[
    ("rust", "rust"), ("python", "python"), ("machine-learning", "machine learning"),
    ("distributed-systems", "distributed systems"), ("compilers", "compilers"),
    ("databases", "databases"), ("product-management", "product management"),
    ("design-systems", "design systems"), ("accessibility", "accessibility"),
    ("climate-tech", "climate tech"), ("fintech", "fintech"), ("healthcare", "healthcare"),
    ("education", "education"), ("open-source", "open source"), ("security", "security"),
    ("privacy", "privacy"), ("kubernetes", "kubernetes"), ("observability", "observability"),
    ("data-engineering", "data engineering"), ("developer-tools", "developer tools"),
    ("hiring", "hiring"), ("leadership", "leadership"), ("remote-work", "remote work"),
    ("venture-capital", "venture capital"), ("angel-investing", "angel investing"),
    ("public-speaking", "public speaking"), ("writing", "writing"), ("photography", "photography"),
    ("cycling", "cycling"), ("running", "running"), ("climbing", "climbing"),
    ("cooking", "cooking"), ("jazz", "jazz"), ("chess", "chess"), ("gardening", "gardening"),
    ("urbanism", "urbanism"), ("robotics", "robotics"), ("biotech", "biotech"),
    ("energy", "energy"), ("supply-chain", "supply chain"), ("mobile", "mobile apps"),
    ("web-performance", "web performance"), ("typescript", "typescript"), ("golang", "go"),
    ("functional-programming", "functional programming"), ("ux-research", "ux research"),
    ("nonprofits", "nonprofits"), ("policy", "tech policy"), ("ai-safety", "ai safety"),
    ("quantum-computing", "quantum computing"), ("edge-computing", "edge computing"),
    ("game-design", "game design"), ("music-production", "music production"),
    ("languages", "languages"), ("philosophy", "philosophy"), ("history", "history"),
    ("economics", "economics"), ("parenting", "parenting"), ("travel", "travel"),
    ("sailing", "sailing"),
];

#[rustfmt::skip]
const COMPANIES: &[&str] = &[
    "Acme Analytics", "Northwind", "Globex", "Initech", "Umbrella Health", "Stark Robotics",
    "Wayne Energy", "Hooli", "Pied Piper", "Vandelay Industries", "Blue Harbor", "Greenfield Labs",
    "Lumen Bank", "Orbital Systems", "Tidewater Capital", "Quillstone", "Brightline Education",
    "Corvid Security", "Maple & Finch", "Redwood Data", "Sable Logistics", "Kestrel AI",
    "Copperleaf", "Helios Solar", "Juniper Health", "Ironbridge", "Nimbus Cloud",
    "Polaris Ventures", "Saltmarsh Studio", "Tessellate", "Verdant Foods", "Wavelength Media",
    "Yellowpine", "Zephyr Mobility", "Fablab Co-op", "City of Lisbon", "University of Leeds",
    "ETH Zurich", "Open Knowledge Foundation", "Freelance",
];

#[rustfmt::skip]
const ROLES: &[&str] = &[
    "Staff Engineer", "Engineering Manager", "CTO", "CEO", "Founder", "Product Manager",
    "Senior Designer", "Data Scientist", "Research Scientist", "VP Engineering", "Head of Product",
    "Recruiter", "Developer Advocate", "Principal Engineer", "Partner", "Analyst", "Professor",
    "PhD Student", "Consultant", "Security Engineer", "SRE", "Editor", "Program Director", "COO",
];

#[rustfmt::skip]
const CITIES: &[&str] = &[
    "Berlin", "Lisbon", "London", "Paris", "Amsterdam", "Zurich", "Stockholm", "Copenhagen", "Oslo",
    "Helsinki", "Warsaw", "Prague", "Vienna", "Madrid", "Barcelona", "Milan", "Dublin", "Edinburgh",
    "New York", "San Francisco", "Seattle", "Austin", "Toronto", "Montreal", "Mexico City",
    "São Paulo", "Buenos Aires", "Nairobi", "Lagos", "Accra", "Cape Town", "Cairo", "Istanbul",
    "Tel Aviv", "Dubai", "Bangalore", "Mumbai", "Singapore", "Tokyo", "Seoul", "Sydney",
    "Melbourne",
];

#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "project", "team", "roadmap", "launch", "budget", "offsite", "conference", "talk", "paper",
    "prototype", "migration", "customer", "contract", "investor", "hire", "role", "manager",
    "startup", "product", "platform", "release", "workshop", "course", "book", "article", "podcast",
    "newsletter", "meetup", "grant", "proposal", "deadline", "interview", "promotion", "apartment",
    "daughter", "son", "partner", "trip", "marathon", "garden", "bike", "vacation", "wedding",
    "reunion", "mentor", "student", "board", "strategy", "pricing", "partnership", "office",
    "market", "competitor", "demo", "dashboard", "pipeline", "dataset", "model", "library",
    "service", "outage", "incident", "review", "benchmark", "survey", "report", "chapter", "draft",
    "pitch", "funding round", "acquisition", "reorg", "design", "feature", "backlog", "sprint",
    "quarter", "plan", "idea", "question", "problem", "decision", "process", "tool", "framework",
    "codebase", "rewrite", "audit", "policy", "committee", "community", "volunteer group", "class",
    "thesis", "lab", "clinic", "hospital", "school", "festival", "exhibition", "studio", "album",
    "band", "recipe", "restaurant", "neighbourhood", "house", "renovation", "puppy", "cat",
    "family", "sabbatical", "visa", "relocation", "client", "agency", "consultancy", "spreadsheet",
    "forecast", "hiring plan", "job offer", "salary review", "performance review", "onboarding",
    "handbook", "keynote", "panel", "hackathon", "API", "app", "website", "blog post", "essay",
    "documentary", "fellowship", "scholarship", "patent",
];

#[rustfmt::skip]
const ADJECTIVES: &[&str] = &[
    "new", "small", "ambitious", "quiet", "difficult", "promising", "early", "late", "remote",
    "internal", "public", "open", "second", "final", "big", "slow", "fast", "risky", "careful",
    "surprising", "overdue", "experimental", "annual", "quarterly", "regional", "global", "local",
    "shared", "private", "delayed", "successful", "messy", "simple", "long", "short", "exciting",
    "stressful", "generous", "unusual", "practical", "detailed", "rough", "polished", "noisy",
    "friendly", "tense", "honest", "useful", "expensive", "cheap", "popular", "obscure", "sudden",
    "gradual", "hybrid", "independent", "collaborative", "urgent", "optional", "strategic",
    "technical", "creative", "legal", "financial", "personal", "first", "upcoming", "recent",
];

#[rustfmt::skip]
const VERBS_PAST: &[&str] = &[
    "mentioned", "described", "shared", "explained", "finished", "started", "cancelled",
    "postponed", "launched", "shipped", "reviewed", "pitched", "joined", "left", "hired for",
    "lost", "won", "planned", "proposed", "rewrote", "simplified", "presented", "published",
    "abandoned", "questioned", "defended", "celebrated", "struggled with", "negotiated",
    "recommended", "criticised", "praised", "organised", "moved", "sold", "bought", "inherited",
    "rescued", "paused", "restarted", "doubled down on", "handed over", "wrote about",
    "spoke about", "asked about", "worried about", "laughed about", "complained about",
    "raised money for", "volunteered for", "signed", "drafted", "outlined", "measured", "tested",
    "delivered",
];

#[rustfmt::skip]
const VERBS_BASE: &[&str] = &[
    "finish", "start", "revisit", "ship", "review", "pitch", "join", "leave", "hire for", "plan",
    "propose", "rewrite", "simplify", "present", "publish", "organise", "fund", "sell", "test",
    "deliver", "explore", "document", "measure", "open-source", "scale", "restructure", "announce",
];

#[rustfmt::skip]
const VERBS_ING: &[&str] = &[
    "working on", "thinking about", "building", "leading", "writing", "planning", "hiring for",
    "recovering from", "preparing", "reviewing", "running", "fundraising for", "teaching",
    "learning about", "experimenting with", "moving away from", "investing in", "rebuilding",
];

#[rustfmt::skip]
const TIMES: &[&str] = &[
    "next week", "next month", "before the summer", "after the holidays",
    "by the end of the quarter", "this spring", "in the autumn", "later this year",
    "early next year", "before the offsite", "in a couple of weeks", "once the budget is approved",
    "after the launch", "by Friday",
];

#[rustfmt::skip]
const TIMES_PAST: &[&str] = &[
    "Last month", "Earlier this year", "Two weeks ago", "Over the summer", "After the reorg",
    "Since the launch", "Before the holidays", "At the last conference", "During the migration",
    "In the spring", "Right after the funding round", "Last quarter",
];

#[rustfmt::skip]
const FEELINGS: &[&str] = &[
    "optimistic", "tired", "excited", "frustrated", "relieved", "curious", "nervous", "proud",
    "busy", "calm", "sceptical", "energised", "overwhelmed", "thoughtful", "upbeat", "cautious",
];

#[rustfmt::skip]
const INTERACTION_TITLES: &[&str] = &[
    "coffee", "lunch", "call", "video call", "dinner", "catch-up", "walk", "email", "intro",
    "conference chat", "demo", "drinks", "breakfast", "quick call", "meetup", "workshop",
    "podcast recording", "office visit", "messages", "1:1",
];

#[rustfmt::skip]
const MEETING_TOPICS: &[&str] = &[
    "Quarterly planning", "Design review", "Hiring sync", "Investor update", "Community meetup",
    "Reading group", "Board meeting", "Customer interview", "Product offsite", "Conference debrief",
    "Mentoring circle", "Architecture review", "Roadmap review", "Partner call", "Advisory board",
    "Demo day", "Retrospective", "Budget review", "Panel prep", "Hackathon kickoff", "Dinner",
    "Strategy session", "Alumni get-together", "Working group",
];

#[rustfmt::skip]
const TASK_TEXTS: &[&str] = &[
    "Send the slides from the talk", "Introduce to a hiring manager", "Share the article on",
    "Review the draft about", "Send the book recommendation about", "Follow up on the job offer",
    "Send the contract notes", "Share the benchmark numbers", "Write a short reference letter",
    "Ask for feedback on the proposal", "Send photos from the meetup", "Book a table for dinner",
    "Forward the conference CFP", "Send the reading list on", "Check in about the move",
];

#[rustfmt::skip]
const MILESTONES: &[&str] = &[
    "joined", "founded", "started at", "promoted at", "launched the first product at", "left",
];

#[rustfmt::skip]
const OTHER_TAGS: &[&str] = &[
    "followup", "intro", "idea", "travel", "family", "hiring", "feedback",
];

// ---------------------------------------------------------------------------------------------
// Prose
// ---------------------------------------------------------------------------------------------

struct Ctx<'a> {
    first: &'a str,
    pronoun: &'a str,
    company: &'a str,
    topics: &'a [usize],
}

fn topic<'a>(rng: &mut Rng, ctx: &Ctx) -> &'a str {
    if !ctx.topics.is_empty() && rng.chance(0.7) {
        TOPICS[ctx.topics[rng.below(ctx.topics.len())]].1
    } else {
        TOPICS[rng.below(TOPICS.len())].1
    }
}

fn noun_phrase(rng: &mut Rng, ctx: &Ctx) -> String {
    let mut s = bare_noun_phrase(rng, ctx);
    match rng.below(8) {
        0 => {
            let _ = write!(s, " at {}", ctx.company);
        }
        1 => {
            let _ = write!(s, " for the {} {}", rng.pick(ADJECTIVES), rng.pick(NOUNS));
        }
        2 => {
            let _ = write!(s, " in {}", rng.pick(CITIES));
        }
        _ => {}
    }
    s
}

/// A determiner, maybe an adjective and a topic, and a noun.
fn bare_noun_phrase(rng: &mut Rng, ctx: &Ctx) -> String {
    let det = rng.pick(&["the", "a", "their", "the", "our", "that"]);
    let mut s = String::from(det);
    if rng.chance(0.55) {
        s.push(' ');
        s.push_str(rng.pick(ADJECTIVES));
    }
    if rng.chance(0.25) {
        s.push(' ');
        s.push_str(topic(rng, ctx));
    }
    s.push(' ');
    s.push_str(rng.pick(NOUNS));
    if s.starts_with("a ") && matches!(s.as_bytes()[2], b'a' | b'e' | b'i' | b'o' | b'u' | b'A') {
        s.insert(1, 'n');
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn subject<'a>(rng: &mut Rng, ctx: &Ctx<'a>) -> &'a str {
    match rng.below(6) {
        0 | 1 => ctx.pronoun,
        2 => ctx.first,
        3 => "Their manager",
        4 => "Their team",
        _ => ctx.first,
    }
}

fn sentence(rng: &mut Rng, ctx: &Ctx) -> String {
    let s = match rng.below(14) {
        0 => format!(
            "{} {} {}.",
            subject(rng, ctx),
            rng.pick(VERBS_PAST),
            noun_phrase(rng, ctx)
        ),
        1 => {
            let be = if ctx.pronoun == "They" { "are" } else { "is" };
            format!(
                "{} {be} {} {}.",
                ctx.pronoun,
                rng.pick(VERBS_ING),
                noun_phrase(rng, ctx)
            )
        }
        2 => format!(
            "We talked about {} and {}.",
            topic(rng, ctx),
            noun_phrase(rng, ctx)
        ),
        3 => format!(
            "{} thinks {} will {} {} {}.",
            ctx.first,
            noun_phrase(rng, ctx),
            rng.pick(VERBS_BASE),
            noun_phrase(rng, ctx),
            rng.pick(TIMES)
        ),
        4 => format!(
            "{} recommended {} about {}.",
            ctx.first,
            rng.pick(&[
                "a book",
                "an article",
                "a podcast episode",
                "a talk",
                "a paper",
                "a course"
            ]),
            topic(rng, ctx)
        ),
        5 => format!(
            "{}, {} {} {}.",
            rng.pick(TIMES_PAST),
            ctx.pronoun.to_lowercase(),
            rng.pick(VERBS_PAST),
            noun_phrase(rng, ctx)
        ),
        6 => format!(
            "Worth following up on {} {}.",
            noun_phrase(rng, ctx),
            rng.pick(TIMES)
        ),
        7 => format!("Ask about {} next time.", noun_phrase(rng, ctx)),
        8 => format!(
            "{} seemed {} about {}, mostly because of {}.",
            ctx.first,
            rng.pick(FEELINGS),
            noun_phrase(rng, ctx),
            noun_phrase(rng, ctx)
        ),
        9 => format!(
            "They want to {} {} {} and asked whether I knew anyone in {}.",
            rng.pick(VERBS_BASE),
            noun_phrase(rng, ctx),
            rng.pick(TIMES),
            topic(rng, ctx)
        ),
        10 => format!(
            "I said I would {} {} and share what I learn about {}.",
            rng.pick(VERBS_BASE),
            noun_phrase(rng, ctx),
            topic(rng, ctx)
        ),
        11 => format!(
            "{} at {} is {} {}, which has been {}.",
            capitalise(&bare_noun_phrase(rng, ctx)),
            ctx.company,
            rng.pick(VERBS_ING),
            noun_phrase(rng, ctx),
            rng.pick(&[
                "harder than expected",
                "going well",
                "a slow grind",
                "a nice surprise",
                "on hold"
            ])
        ),
        12 => {
            let a = topic(rng, ctx);
            let mut b = topic(rng, ctx);
            if a == b {
                b = TOPICS[rng.below(TOPICS.len())].1;
            }
            if a == b {
                format!(
                    "Good conversation about {a}; {} has strong opinions.",
                    ctx.first
                )
            } else {
                format!(
                    "Good conversation about {a} versus {b}; {} prefers the first.",
                    ctx.first
                )
            }
        }
        _ => {
            let who = subject(rng, ctx);
            let verbs: &[&str] = if who == "They" {
                &["remember", "talk about", "miss", "regret", "value"]
            } else {
                &["remembers", "talks about", "misses", "regrets", "values"]
            };
            format!(
                "{who} still {} {} from {}.",
                rng.pick(verbs),
                noun_phrase(rng, ctx),
                rng.pick(&[
                    "university",
                    "the old job",
                    "the first startup",
                    "the move",
                    "last year"
                ])
            )
        }
    };
    capitalise(&s)
}

fn paragraph(rng: &mut Rng, ctx: &Ctx, min: usize, max: usize) -> String {
    let n = min + rng.below(max - min + 1);
    let mut p = String::new();
    for i in 0..n {
        if i > 0 {
            p.push(' ');
        }
        p.push_str(&sentence(rng, ctx));
    }
    p
}

// ---------------------------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------------------------

struct Contact {
    stem: String,
    first: &'static str,
    alias: Option<String>,
    company: &'static str,
    pronoun: &'static str,
    topics: Vec<usize>,
}

fn make_contacts(rng: &mut Rng, n: usize) -> Vec<Contact> {
    let mut used: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let first = rng.pick(FIRST_NAMES);
        let last = rng.pick(LAST_NAMES);
        let mut stem = format!("{first} {last}");
        if used.contains(&stem.to_lowercase()) {
            stem = format!("{first} {last} {i:05}");
        }
        used.insert(stem.to_lowercase());
        let alias = if rng.chance(0.15) {
            let candidate = match rng.below(3) {
                0 => format!("{first} {}.", &last[..1]),
                1 => format!("{} {last}", &first[..1]),
                _ => format!("{first} from {}", rng.pick(COMPANIES)),
            };
            let candidate = if used.contains(&candidate.to_lowercase()) {
                format!("{candidate} {i:05}")
            } else {
                candidate
            };
            used.insert(candidate.to_lowercase());
            Some(candidate)
        } else {
            None
        };
        let k = 2 + rng.below(4);
        let topics = rng.distinct(TOPICS.len(), k);
        out.push(Contact {
            stem,
            first,
            alias,
            company: rng.pick(COMPANIES),
            pronoun: rng.pick(&["She", "He", "They"]),
            topics,
        });
    }
    out
}

fn inline_tags(rng: &mut Rng, c: &Contact) -> String {
    let mut t = String::new();
    let r = rng.below(100);
    if r < 14 {
        t.push_str(" #ask");
    } else if r < 24 {
        t.push_str(" #give");
    } else if r < 27 {
        t.push_str(" #gave");
    }
    if rng.chance(0.08) {
        t.push_str(" #");
        t.push_str(rng.pick(OTHER_TAGS));
    }
    if rng.chance(0.05) && !c.topics.is_empty() {
        let _ = write!(t, " #{}", TOPICS[c.topics[rng.below(c.topics.len())]].0);
    }
    t
}

fn date_token(rng: &mut Rng, day: i64) -> String {
    if rng.chance(0.04) {
        format!("[[{}]]", ymd(day))
    } else {
        ymd(day)
    }
}

/// A date for a birthday: `YYYY-MM-DD` or `--MM-DD`, some on 29 February.
fn birthday(rng: &mut Rng) -> String {
    if rng.chance(0.03) {
        let leap = [1964, 1968, 1972, 1976, 1980, 1984, 1988, 1992, 1996, 2000];
        return if rng.chance(0.3) {
            "--02-29".to_string()
        } else {
            format!("{}-02-29", leap[rng.below(leap.len())])
        };
    }
    let y = rng.range(1958, 2003);
    let m = rng.range(1, 12);
    let d = rng.range(1, days_in_month(y, m));
    if rng.chance(0.15) {
        format!("--{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

fn yaml_quote(s: &str) -> String {
    if s.chars().any(|c| {
        matches!(
            c,
            ':' | '#' | '\'' | '"' | '&' | '[' | ']' | ',' | '{' | '}'
        )
    }) {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

fn contact_note(rng: &mut Rng, contacts: &[Contact], idx: usize, args: &Args) -> String {
    let c = &contacts[idx];
    let today = args.today;
    let ctx = Ctx {
        first: c.first,
        pronoun: c.pronoun,
        company: c.company,
        topics: &c.topics,
    };
    let mut s = String::with_capacity(6 * 1024);

    // Front-matter.
    s.push_str("---\n");
    let tier = match rng.below(100) {
        0..=4 => "A",
        5..=39 => "B",
        _ => "C",
    };
    if rng.chance(0.002) {
        s.push_str("tier: Z\n"); // an unknown tier: a warning in `kith check`
    } else if tier != "B" || rng.chance(0.5) {
        let _ = writeln!(s, "tier: {tier}");
    }
    if let Some(a) = &c.alias {
        if rng.chance(0.5) {
            let _ = writeln!(s, "aliases:\n  - {}", yaml_quote(a));
        } else {
            let _ = writeln!(s, "aliases: [{}]", yaml_quote(a));
        }
    }
    if rng.chance(0.04) {
        let cad = rng.pick(&[
            "2w",
            "monthly",
            "quarterly",
            "never",
            "45 days",
            "1y",
            "8 weeks",
            "2mo",
        ]);
        let _ = writeln!(s, "cadence: {cad}");
    } else if rng.chance(0.002) {
        s.push_str("cadence: every so often\n"); // a bad cadence: a warning
    }
    let status_roll = rng.below(100);
    if status_roll < 3 {
        s.push_str("status: dormant\n");
    } else if status_roll < 5 {
        s.push_str("status: archived\n");
    } else if status_roll < 20 {
        s.push_str("status: active\n");
    }
    if rng.chance(0.02) {
        let _ = writeln!(s, "snooze_until: {}", ymd(today + rng.range(-10, 60)));
    }
    if rng.chance(0.6) {
        let b = birthday(rng);
        if b.starts_with("--") || rng.chance(0.2) {
            let _ = writeln!(s, "birthday: \"{b}\"");
        } else {
            let _ = writeln!(s, "birthday: {b}");
        }
    } else if rng.chance(0.005) {
        s.push_str("birthday: 1990-02-30\n"); // an impossible date: a warning
    }
    if rng.chance(0.3) {
        s.push_str("milestones:\n");
        for _ in 0..1 + rng.below(2) {
            let day = today - rng.range(200, 5000);
            let _ = writeln!(
                s,
                "  - {} {} {}",
                ymd(day),
                rng.pick(MILESTONES),
                rng.pick(COMPANIES)
            );
        }
    }
    let _ = writeln!(s, "company: {}", yaml_quote(c.company));
    let _ = writeln!(s, "role: {}", rng.pick(ROLES));
    let email_name: String = c
        .stem
        .to_lowercase()
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '.' })
        .collect();
    let domain: String = c
        .company
        .to_lowercase()
        .chars()
        .filter(|ch| ch.is_ascii_alphanumeric())
        .collect();
    let _ = writeln!(s, "email: {email_name}@{domain}.example");
    let _ = writeln!(s, "location: {}", rng.pick(CITIES));
    if rng.chance(0.2) {
        let _ = writeln!(
            s,
            "linkedin: https://www.linkedin.com/in/{}",
            email_name.replace('.', "-")
        );
    }
    if rng.chance(0.05) {
        let _ = writeln!(s, "last_contact: {}", ymd(today - rng.range(30, 900)));
    }
    let (tags_topics, interest_topics) = c.topics.split_at(c.topics.len() / 2);
    s.push_str("tags:\n");
    if rng.chance(0.3) {
        s.push_str("  - person\n");
    }
    for &t in tags_topics {
        let _ = writeln!(s, "  - {}", TOPICS[t].0);
    }
    let interests: Vec<&str> = interest_topics.iter().map(|&t| TOPICS[t].1).collect();
    let _ = writeln!(s, "interests: [{}]", interests.join(", "));
    s.push_str("---\n\n");

    // Intro prose.
    let _ = writeln!(s, "# {}\n", c.stem);
    s.push_str(&paragraph(rng, &ctx, 4, 7));
    s.push_str("\n\n");
    if rng.chance(0.5) {
        s.push_str(&paragraph(rng, &ctx, 2, 4));
        s.push_str("\n\n");
    }

    // Tasks.
    if rng.chance(0.25) {
        s.push_str("## Follow-ups\n\n");
        for _ in 0..1 + rng.below(3) {
            let mark = if rng.chance(0.6) { " " } else { "x" };
            let due = today + rng.range(-25, 20);
            let mut text = rng.pick(TASK_TEXTS).to_string();
            if text.ends_with(" on") || text.ends_with(" about") {
                text.push(' ');
                text.push_str(topic(rng, &ctx));
            }
            match rng.below(3) {
                0 => {
                    let _ = writeln!(s, "- [{mark}] {text} 📅 {}", ymd(due));
                }
                1 => {
                    let _ = writeln!(s, "- [{mark}] {text} [due:: {}]", ymd(due));
                }
                _ => {
                    let _ = writeln!(
                        s,
                        "- [{mark}] {text} 📅 {} ^t{:04x}",
                        ymd(due),
                        rng.below(0x10000)
                    );
                }
            }
        }
        s.push('\n');
    }

    // Log.
    s.push_str("## Log\n\n");
    let span = match tier {
        "A" => 240,
        "B" => 500,
        _ => 730,
    };
    let mut dates: Vec<i64> = (0..args.interactions)
        .map(|_| {
            let recent = if rng.chance(0.4) { 1 } else { 30 };
            today - rng.range(recent, span)
        })
        .collect();
    if !dates.is_empty() && rng.chance(0.01) {
        dates[0] = today + rng.range(1, 10); // a planned interaction
    }
    dates.sort_unstable();
    if rng.chance(0.5) {
        dates.reverse(); // newest first
    }
    let headings = rng.chance(0.4);
    for &day in &dates {
        let title = rng.pick(INTERACTION_TITLES);
        let tags = inline_tags(rng, c);
        let link = if rng.chance(0.04) {
            let other = &contacts[rng.below(contacts.len())];
            if other.stem != c.stem {
                format!(" Mentioned [[{}]].", other.stem)
            } else {
                String::new()
            }
        } else {
            String::new()
        };
        if headings {
            let _ = writeln!(s, "### {} {}\n", date_token(rng, day), capitalise(title));
            s.push_str(&paragraph(rng, &ctx, 3, 4));
            s.push_str(&link);
            s.push_str(&tags);
            s.push_str("\n\n");
        } else {
            let sep = rng.pick(&[" ", " - ", " — ", " · ", ": "]);
            let _ = write!(s, "- {}{sep}{title}: ", date_token(rng, day));
            s.push_str(&paragraph(rng, &ctx, 2, 3));
            s.push_str(&link);
            s.push_str(&tags);
            s.push('\n');
            if rng.chance(0.1) {
                let _ = writeln!(s, "    - {}", sentence(rng, &ctx));
            }
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Meetings
// ---------------------------------------------------------------------------------------------

fn link(rng: &mut Rng, c: &Contact) -> String {
    match rng.below(10) {
        0..=4 => format!("[[{}]]", c.stem),
        5 | 6 => format!("[[{}|{}]]", c.stem, c.first),
        7 => format!("[[{}#Log]]", c.stem),
        8 => format!("[[People/{}]]", c.stem),
        _ => match &c.alias {
            Some(a) => format!("[[{a}]]"),
            None => format!("[[{}]]", c.stem),
        },
    }
}

fn meeting_note(
    rng: &mut Rng,
    contacts: &[Contact],
    day: i64,
    topic_name: &str,
    args: &Args,
) -> String {
    let k = 2 + rng.below(5);
    let people: Vec<&Contact> = rng
        .distinct(contacts.len(), k)
        .into_iter()
        .map(|i| &contacts[i])
        .collect();
    let host = people[0];
    let mut topics: Vec<usize> = people
        .iter()
        .flat_map(|p| p.topics.iter().copied())
        .collect();
    topics.truncate(6);
    let ctx = Ctx {
        first: host.first,
        pronoun: "They",
        company: host.company,
        topics: &topics,
    };
    let mut s = String::with_capacity(8 * 1024);
    if rng.chance(0.5) {
        let _ = writeln!(s, "---\ndate: {}\ntags: [meeting]\n---\n", ymd(day));
    }
    let _ = writeln!(s, "# {topic_name}\n");
    let attendees: Vec<String> = people.iter().map(|p| link(rng, p)).collect();
    let _ = writeln!(s, "Attendees: {}\n", attendees.join(", "));
    s.push_str("## Notes\n\n");
    for _ in 0..9 + rng.below(6) {
        // Each paragraph is mostly about one attendee.
        let about = people[rng.below(people.len())];
        let pctx = Ctx {
            first: about.first,
            pronoun: "They",
            company: about.company,
            topics: &topics,
        };
        let mut p = paragraph(rng, &pctx, 4, 7);
        if rng.chance(0.5) {
            let who = people[rng.below(people.len())];
            let _ = write!(
                p,
                " {} will {} {}.",
                link(rng, who),
                rng.pick(VERBS_BASE),
                noun_phrase(rng, &ctx)
            );
        }
        s.push_str(&p);
        s.push_str("\n\n");
    }
    s.push_str("## Updates\n\n");
    for p in &people {
        let pctx = Ctx {
            first: p.first,
            pronoun: p.pronoun,
            company: p.company,
            topics: &p.topics,
        };
        let _ = writeln!(s, "- {}: {}", link(rng, p), paragraph(rng, &pctx, 2, 4));
    }
    s.push('\n');
    if rng.chance(0.5) {
        s.push_str("Open questions:\n\n");
        for _ in 0..2 + rng.below(3) {
            let _ = writeln!(s, "- {}", sentence(rng, &ctx));
        }
        s.push('\n');
    }
    for _ in 0..rng.below(3) {
        let later = (day + rng.range(1, 21)).min(args.today + 5);
        let _ = writeln!(
            s,
            "### {} {}\n",
            ymd(later),
            rng.pick(&["Follow-up", "Update", "Next steps", "Call"])
        );
        let who = people[rng.below(people.len())];
        let mut p = paragraph(rng, &ctx, 3, 6);
        let _ = write!(
            p,
            " Checked in with {} about {}.",
            link(rng, who),
            noun_phrase(rng, &ctx)
        );
        s.push_str(&p);
        s.push_str("\n\n");
    }
    s.push_str("## Actions\n\n");
    let who = people[rng.below(people.len())];
    let mark = if day < args.today - 30 && rng.chance(0.8) {
        "x"
    } else {
        " "
    };
    let _ = writeln!(
        s,
        "- [{mark}] Send {} the notes on {} 📅 {}",
        link(rng, who),
        topic(rng, &ctx),
        ymd(day + rng.range(2, 14))
    );
    if rng.chance(0.4) {
        let _ = writeln!(
            s,
            "- [ ] Draft {} [due:: {}]",
            noun_phrase(rng, &ctx),
            ymd(day + rng.range(3, 30))
        );
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

const KITH_TOML: &str = r#"# Generated by examples/gen_vault.rs (synthetic benchmark vault).
due_note = "Due this week.md"
week_start = "monday"
default_tier = "B"
log_heading = "Log"

[contacts]
folders = ["People"]
tags = ["person"]

[tiers.A]
cadence = "6w"
max = 15
[tiers.B]
cadence = "3mo"
[tiers.C]
cadence = "6mo"

[exchange]
ask_tags = ["ask"]
give_tags = ["give", "gave"]
streak = 3

[introductions]
min_shared = 2
max = 3
"#;

const APP_JSON: &str = "{\n  \"alwaysUpdateLinks\": true,\n  \"newFileLocation\": \"folder\",\n  \"newFileFolderPath\": \"People\"\n}\n";

struct Writer {
    files: usize,
    bytes: u64,
}

impl Writer {
    fn write(&mut self, path: &Path, text: &str) -> Result<(), String> {
        self.write_bytes(path, text.as_bytes())
    }

    fn write_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        self.files += 1;
        self.bytes += bytes.len() as u64;
        Ok(())
    }
}

/// Line-ending / BOM variety for a small share of notes.
fn encode(rng: &mut Rng, text: String) -> String {
    match rng.below(200) {
        0 => format!("\u{feff}{text}"),
        1 => text.replace('\n', "\r\n"),
        _ => text,
    }
}

fn run(args: &Args) -> Result<(usize, u64), String> {
    let out = &args.out;
    if out.exists() {
        let mut entries = std::fs::read_dir(out).map_err(|e| format!("{}: {e}", out.display()))?;
        if entries.next().is_some() && !args.force {
            return Err(format!(
                "{} is not empty (use --force to write over it)",
                out.display()
            ));
        }
    }
    for dir in [
        out.clone(),
        out.join(".obsidian"),
        out.join("People"),
        out.join("Meetings"),
    ] {
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut w = Writer { files: 0, bytes: 0 };
    w.write(&out.join("kith.toml"), KITH_TOML)?;
    w.write(&out.join(".obsidian/app.json"), APP_JSON)?;

    let mut rng = Rng::new(args.seed);
    let contacts = make_contacts(&mut rng, args.contacts);
    for i in 0..contacts.len() {
        let text = contact_note(&mut rng, &contacts, i, args);
        let text = encode(&mut rng, text);
        w.write(
            &out.join("People").join(format!("{}.md", contacts[i].stem)),
            &text,
        )?;
    }

    let mut stems: HashSet<String> = HashSet::new();
    for _ in 0..args.meetings {
        let day = if rng.chance(0.01) {
            args.today + rng.range(1, 6)
        } else {
            args.today - rng.range(0, 730)
        };
        let topic_name = if rng.chance(0.4) {
            format!(
                "{} {}",
                capitalise(TOPICS[rng.below(TOPICS.len())].1),
                rng.pick(MEETING_TOPICS).to_lowercase()
            )
        } else {
            rng.pick(MEETING_TOPICS).to_string()
        };
        let mut stem = format!("{} {topic_name}", ymd(day));
        let mut n = 2;
        while stems.contains(&stem) {
            stem = format!("{} {topic_name} {n}", ymd(day));
            n += 1;
        }
        stems.insert(stem.clone());
        let text = meeting_note(&mut rng, &contacts, day, &topic_name, args);
        w.write(&out.join("Meetings").join(format!("{stem}.md")), &text)?;
    }
    if args.hostile {
        write_hostile(&mut w, out, args.today)?;
    }
    Ok((w.files, w.bytes))
}

// ---------------------------------------------------------------------------------------------
// Hostile notes (--hostile)
// ---------------------------------------------------------------------------------------------

const MIB: usize = 1024 * 1024;

/// `unit` repeated after `prefix` up to `size` bytes, on one line.
fn one_line(prefix: &str, unit: &str, size: usize) -> String {
    let mut s = String::with_capacity(size + unit.len());
    s.push_str(prefix);
    while s.len() + unit.len() <= size {
        s.push_str(unit);
    }
    s
}

/// The billion-laughs front-matter: nine levels of nine aliases.
fn billion_laughs() -> String {
    let mut s = String::from(
        "---\nname: Bombastic\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for level in 'b'..='i' {
        let aliases = vec![format!("*{prev}"); 9].join(",");
        let _ = writeln!(s, "{level}: &{level} [{aliases}]");
        prev = level;
    }
    s.push_str("---\n\n## Log\n\n- 2026-07-01 call: still read\n");
    s
}

#[cfg(unix)]
fn hostile_links(dir: &Path) -> Result<(), String> {
    let links: [(&str, &str); 7] = [
        (".", "loop"),
        ("..", "up"),
        ("/", "root"),
        ("/etc/passwd", "Passwd.md"),
        ("/etc", "etc"),
        ("b.md", "a.md"),
        ("a.md", "b.md"),
    ];
    for (target, name) in links {
        let link = dir.join(name);
        if link.symlink_metadata().is_ok() {
            std::fs::remove_file(&link).map_err(|e| format!("{}: {e}", link.display()))?;
        }
        std::os::unix::fs::symlink(target, &link)
            .map_err(|e| format!("{}: {e}", link.display()))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn hostile_links(_: &Path) -> Result<(), String> {
    Ok(())
}

fn write_hostile(w: &mut Writer, out: &Path, today: i64) -> Result<(), String> {
    let people = out.join("People/Hostile");
    let notes = out.join("Notes/Hostile");
    for dir in [&people, &notes] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    const D: usize = 20_000;
    let p = |name: &str| people.join(format!("{name}.md"));
    let n = |name: &str| notes.join(format!("{name}.md"));

    // YAML alias bombs.
    w.write(&p("Bomb"), &billion_laughs())?;
    let items = vec!["x"; 1000].join(",");
    let aliases = vec!["*w"; 1000].join(",");
    w.write(
        &p("Wide"),
        &format!("---\nw: &w [{items}]\nv: [{aliases}]\n---\n"),
    )?;
    let mut merge = String::from("---\nm0: &m0 {a: 1, b: 2, c: 3}\n");
    for i in 1..40 {
        let _ = writeln!(
            merge,
            "m{i}: &m{i} {{<<: [*m{}, *m{}], k{i}: {i}}}",
            i - 1,
            i - 1
        );
    }
    merge.push_str("---\n");
    w.write(&p("Merge"), &merge)?;

    // Binary files named .md.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0".to_vec();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..64 * 1024 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        png.push(x as u8);
    }
    w.write_bytes(&p("Picture"), &png)?;
    w.write_bytes(
        &p("Late"),
        b"---\ntier: A\n\xff\xfe\x00garbage\n- 2026-11-20 call\n",
    )?;
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "---\nname: Wide\n---\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    w.write_bytes(&p("Utf16"), &utf16)?;

    // A 20 MB note with a long log, newest first, one entry a day.
    let mut huge = String::with_capacity(21 * MIB);
    huge.push_str("---\ntier: A\n---\n# Huge\n\n## Log\n\n");
    let mut day = today - 83;
    let mut i = 0usize;
    while huge.len() < 20 * MIB {
        let _ = writeln!(
            huge,
            "- {} call: talked about item {i} with [[Nobody]] #topic{} and more",
            ymd(day),
            i % 50
        );
        day -= 1;
        i += 1;
    }
    w.write(&p("Huge"), &huge)?;

    // A 20 MB note of `[`: the Markdown parser's worst case.
    let mut brackets = String::with_capacity(20 * MIB + 80);
    while brackets.len() < 20 * MIB {
        brackets.push_str(&"[".repeat(79));
        brackets.push('\n');
    }
    w.write(&p("Brackets"), &brackets)?;

    // 5 MB single lines.
    w.write(
        &p("Line"),
        &one_line(
            "---\ntier: A\n---\n- 2026-09-02 call: ",
            "word [[Nobody]] #topic *em* `code` [x](y) 📅 | ",
            5 * MIB,
        ),
    )?;
    w.write(&p("LineX"), &"x".repeat(5 * MIB))?;
    w.write(
        &n("Links"),
        &one_line("", "[[Nobody]] [[Nobody|shown]] ", 5 * MIB),
    )?;
    let depth = 5 * MIB / 8;
    w.write(
        &n("Images5MB"),
        &format!("{}x{}", "![a ".repeat(depth), "](u)".repeat(depth)),
    )?;

    // 20,000 levels of nesting.
    w.write(
        &p("Quotes"),
        &format!("{}- 2026-09-02 deep call\n", "> ".repeat(D)),
    )?;
    w.write(
        &p("Dashes"),
        &format!("{}2026-09-02 deep call\n", "- ".repeat(D)),
    )?;
    w.write(&p("Numbers"), &format!("{}deep\n", "1. ".repeat(D)))?;
    w.write(&p("Tasks"), &format!("{}deep\n", "- [x] ".repeat(D)))?;
    w.write(
        &p("Images"),
        &format!("{}x{}\n", "![a ".repeat(D), "](u)".repeat(D)),
    )?;
    let mut indented = String::new();
    for k in 0..4000 {
        indented.push_str(&"  ".repeat(k));
        indented.push_str("- item\n");
    }
    indented.push_str(&"  ".repeat(4000));
    indented.push_str("- 2026-09-02 deep call\n");
    w.write(&p("Indented"), &indented)?;
    w.write(
        &p("YamlFlow"),
        &format!("---\na: {}{}\n---\n", "[".repeat(D), "]".repeat(D)),
    )?;
    w.write(
        &p("YamlBlock"),
        &format!("---\na:\n{}x\n---\n", "- ".repeat(D)),
    )?;

    // NUL bytes, empty and BOM-only files, a front-matter that never closes or is too big.
    w.write(
        &p("Nul"),
        "---\ntier: C\n---\n## Log\n- 2026-11-01 call with \0 inside\n\0\0\0\n",
    )?;
    w.write(&p("Empty"), "")?;
    w.write(&p("BomOnly"), "\u{feff}")?;
    w.write(
        &p("Unclosed"),
        "---\ntier: A\nname: Open\n\n## Log\n\n- 2026-07-01 lunch: fine\n",
    )?;
    let mut big_fm = String::from("---\n");
    for i in 0..10_000 {
        let _ = writeln!(big_fm, "key{i}: value {i}");
    }
    big_fm.push_str("---\n");
    w.write(&p("BigFm"), &big_fm)?;

    // Wrong types, impossible dates, bad cadences.
    w.write(
        &p("Types"),
        "---\nname: [Ada, Bob]\ntier: {a: 1}\ncadence: [6w]\nlast_contact: 2026\nbirthday: true\n\
snooze_until: [2026-01-01]\naliases: {x: y}\nmilestones: 12\ntags: 5\nstatus: [x]\n---\n",
    )?;
    w.write(
        &p("Dates"),
        "---\ntier: A\nlast_contact: 2026-02-30\nsnooze_until: 2026-13-45\nbirthday: 2026-02-30\n\
milestones:\n  - 2026-13-45 joined Acme\n---\n## Log\n- 2026-02-30 lunch: x\n- 2025-02-29 call: y\n\
### 2026-13-45 call\n- [ ] reply 📅 2026-02-30\n- 2026-08-01 coffee: real\n",
    )?;
    for (name, cadence) in [("Zero", "0w"), ("Negative", "-1w"), ("Huge", "999999999y")] {
        w.write(
            &p(&format!("Cadence{name}")),
            &format!("---\ntier: A\ncadence: {cadence}\nlast_contact: 2026-09-02\n---\n"),
        )?;
    }
    hostile_links(&people)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if e.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("gen_vault: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    match run(&args) {
        Ok((files, bytes)) => {
            eprintln!(
                "gen_vault: wrote {files} files, {bytes} bytes ({:.1} MB) to {} in {:.2} s \
                 (contacts {}, interactions {}, meetings {}, seed {}, today {})",
                bytes as f64 / 1e6,
                args.out.display(),
                start.elapsed().as_secs_f64(),
                args.contacts,
                args.interactions,
                args.meetings,
                args.seed,
                ymd(args.today)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_vault: {e}");
            ExitCode::FAILURE
        }
    }
}

//! The pure core: strings and dates in, values out.
//!
//! Nothing here touches the file system, the clock, the index or the terminal. Every rule of
//! the note format lives here so that it can be tested with a string and a date.

pub mod cadence;
pub mod calendar;
pub mod datelike;
pub mod dates;
pub mod edit;
pub mod frontmatter;
pub mod import;
pub mod links;
pub mod model;
pub mod note;
pub mod problem;
pub mod render;
pub mod schedule;
pub mod tags;
pub mod text;
pub mod ticks;

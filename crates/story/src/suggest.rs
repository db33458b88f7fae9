//! "Did you mean …?" for misspelt field names and layer ids: the one rule of
//! [`twinstory_model::suggest`], shared with the data readers.

pub(crate) use twinstory_model::suggest::{closest, did_you_mean};

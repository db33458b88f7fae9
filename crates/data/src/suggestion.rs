//! "Did you mean …?" in the readers' messages: the one rule of
//! [`twinstory_model::suggest`].

pub(crate) use twinstory_model::suggest::closest;

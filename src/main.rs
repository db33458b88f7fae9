//! The twinstory player binary: mounts the app into the page.

fn main() {
    twinstory_player::start();
}

//! The Trunk entry point of the web app (`index.html` names this binary).

fn main() {
    cors_sim::web::start();
}

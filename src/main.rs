fn main() {
    std::process::exit(kaohe::run(std::env::args_os()));
}

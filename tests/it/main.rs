//! Integration tests: drive the real `kaohe` binary.

mod scale;
mod util;

mod smoke {
    use crate::util::Workdir;

    #[test]
    fn scores_the_shipped_examples() {
        let wd = Workdir::new();
        let out = wd.run(&[
            "score",
            "--lang",
            "en",
            "--format",
            "csv",
            "-u",
            "examples/units.csv",
            "examples/2023.csv",
        ]);
        out.assert_ok();
        assert!(
            out.stdout
                .starts_with("Rank,Unit,Name,Category,Cat. rank,Score,Grade,Veto,"),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("\r\n5,T04,柳林镇党委,乡镇（街道）,3,90.00,好,,"),
            "{}",
            out.stdout
        );
    }
}

mod errors {
    use crate::util::Workdir;

    #[test]
    fn bad_value_is_located() {
        let wd = Workdir::new();
        let p = wd.create("e.csv", "unit,indicator,value\nT01,A3,也许\n");
        let out = wd.run(&["score", p.to_str().unwrap()]);
        let loc = format!(
            "error: {}:2: column \"value\": unit T01, indicator A3: \"也许\" is not yes/no (是/否)",
            p.display()
        );
        out.assert_input_errors(&[&loc]);
        assert!(!wd.path("out.csv").exists());
    }
}

//! Grade colours, shared by the workbook and the HTML report so a grade
//! looks the same wherever it is read.
//!
//! The top grade is green and the lowest red, the colours Excel's own
//! "Good"/"Bad" cell styles use; grades between are blue, then amber just
//! above the lowest.

/// Fill and text colour of a grade, as `0xRRGGBB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeColour {
    /// Light background for a cell.
    pub fill: u32,
    /// Dark text on that background.
    pub text: u32,
    /// Strong colour for a chart bar.
    pub bar: u32,
}

const GREEN: GradeColour = GradeColour {
    fill: 0xC6EFCE,
    text: 0x006100,
    bar: 0x2E9D4F,
};
const BLUE: GradeColour = GradeColour {
    fill: 0xDDEBF7,
    text: 0x1F4E78,
    bar: 0x3B7DD8,
};
const AMBER: GradeColour = GradeColour {
    fill: 0xFFEB9C,
    text: 0x9C5700,
    bar: 0xE0A100,
};
const RED: GradeColour = GradeColour {
    fill: 0xFFC7CE,
    text: 0x9C0006,
    bar: 0xD64541,
};

/// The colour of grade `index` (0 = top) of `count` grades.
pub fn grade(index: usize, count: usize) -> GradeColour {
    if index == 0 {
        GREEN
    } else if index + 1 >= count {
        RED
    } else if index + 2 == count && count >= 4 {
        AMBER
    } else {
        BLUE
    }
}

/// `#RRGGBB` for CSS and SVG.
pub fn css(rgb: u32) -> String {
    format!("#{rgb:06X}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_grades_run_green_blue_amber_red() {
        let bars: Vec<u32> = (0..4).map(|i| grade(i, 4).bar).collect();
        assert_eq!(bars, vec![GREEN.bar, BLUE.bar, AMBER.bar, RED.bar]);
        assert_eq!(grade(1, 2), RED);
        assert_eq!(grade(1, 3), BLUE);
        assert_eq!(css(0x2E9D4F), "#2E9D4F");
    }
}

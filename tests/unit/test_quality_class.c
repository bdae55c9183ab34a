/*
 * test_quality_class.c — the generated character-class table
 * (src/quality/qclass_table.h) agrees with utf8proc for every BMP code
 * point; regenerate it with scripts/gen_qclass.c when this fails.
 */
#include "unit.h"
#include "quality/text.h"

TEST(quality_class_table_matches_utf8proc)
{
    int bad = 0;
    for (int32_t cp = 0x80; cp < 0x10000; cp++)
        bad += q_class_wide(cp) != q_class_compute(cp);
    CHECK(bad == 0);
}

TEST(quality_class_ascii_marks_lower_and_digits)
{
    CHECK(q_class('a') & QC_LOWER);
    CHECK(!(q_class('A') & QC_LOWER));
    CHECK(q_class('7') & QC_DIGIT);
    CHECK(q_class(0x0105) & QC_LOWER); /* ą */
    CHECK(q_class(0x0663) & QC_DIGIT); /* Arabic-Indic three */
}

/* Text simplification and MinHash signatures: datatrove compatibility
 * (vectors from tests/ref/datatrove_minhash.py) and the edge cases. */
#include "sito.h"
#include "unit.h"

#include <stdlib.h>

static int simplified_is(const char *in, int flags, const char *want)
{
    sito_buf b = {0};
    int ok = sito_simplify(in, strlen(in), flags, &b) == SITO_OK &&
             b.len == strlen(want) && memcmp(b.ptr, want, b.len) == 0;
    if (!ok)
        fprintf(stderr, "  simplify(\"%s\") = \"%.*s\", want \"%s\"\n", in, (int)b.len,
                b.ptr ? b.ptr : "", want);
    sito_buf_free(&b);
    return ok;
}

TEST(simplify_lowercases_and_collapses_whitespace)
{
    CHECK(simplified_is("  Hello \t\n  WORLD  ", 0, "hello world"));
    CHECK(simplified_is("a\xc2\xa0" "b\xe3\x80\x80" "c", 0, "a b c"));
}

TEST(simplify_deletes_punctuation_like_datatrove)
{
    CHECK(simplified_is("don't e-mail me. Now!", 0, "dont email me now"));
    CHECK(simplified_is("a . b", 0, "a b"));
    CHECK(simplified_is("\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x94 x", 0, "quoted x"));
}

TEST(simplify_punct_space_flag_splits_words)
{
    CHECK(simplified_is("e-mail.me", SITO_SIMPLIFY_PUNCT_SPACE, "e mail me"));
}

TEST(simplify_joins_digit_runs_across_deleted_punctuation)
{
    CHECK(simplified_is("1.5 and 1,000 a1b22", 0, "0 and 0 a0b0"));
    CHECK(simplified_is("12", SITO_SIMPLIFY_KEEP_DIGITS, "12"));
    /* Arabic-Indic digits are decimal digits too */
    CHECK(simplified_is("\xd9\xa1\xd9\xa2", 0, "0"));
}

TEST(simplify_removes_combining_marks_after_nfd)
{
    CHECK(simplified_is("Na\xc3\xafve CAF\xc3\x89 \xc4\xb0stanbul", 0, "naive cafe istanbul"));
}

TEST(simplify_uses_final_sigma_like_python_lower)
{
    /* "ΣΊΣΥΦΟΣ" -> "σισυφος", "Δ.Σ." -> "δς" */
    CHECK(simplified_is("\xce\xa3\xce\x8a\xce\xa3\xce\xa5\xce\xa6\xce\x9f\xce\xa3", 0,
                        "\xcf\x83\xce\xb9\xcf\x83\xcf\x85\xcf\x86\xce\xbf\xcf\x82"));
    CHECK(simplified_is("\xce\x94.\xce\xa3.", 0, "\xce\xb4\xcf\x82"));
}

TEST(simplify_replaces_invalid_utf8_and_survives_truncation)
{
    CHECK(simplified_is("a\x85 b\xe2\x82", 0, "a\xef\xbf\xbd b\xef\xbf\xbd"));
    CHECK(simplified_is("", 0, ""));
    CHECK(simplified_is("...!!!", 0, ""));
}

/* The permutation coefficients of numpy.random.RandomState(1).randint. */
TEST(minhash_coefficients_match_numpy_randomstate)
{
    sito_minhash_params p;
    sito_minhash_defaults(&p);
    int st;
    sito_minhash *m = sito_minhash_new(&p, &st);
    CHECK(m != NULL);
    const uint64_t *a = sito_minhash_coeff_a(m), *b = sito_minhash_coeff_b(m);
    CHECK(a[0] == 775169054918279404ULL && a[1] == 1758426461858698313ULL);
    CHECK(a[2] == 2109959069025162ULL && a[111] == 223865076026037746ULL);
    CHECK(b[0] == 1062448801025099917ULL && b[1] == 1324811268927594100ULL);
    CHECK(b[2] == 1217488311597731462ULL && b[111] == 1097409548522419201ULL);
    sito_minhash_free(m);
}

static const char datatrove_text[] =
    "H\xc3\xa9llo, W\xc3\xb6rld! 12.5 x 1,000 \xc3\x87" "A VA? na\xc3\xafve caf\xc3\xa9 "
    "\xe2\x80\x94 \xe2\x80\x9cquoted\xe2\x80\x9d \xc4\xb0stanbul   "
    "\xce\xa3\xce\x8a\xce\xa3\xce\xa5\xce\xa6\xce\x9f\xce\xa3 3\xc2\xbd "
    "\xd9\xa1\xd9\xa2\xd9\xa3 tab\there\x85next\xc2\xa0nb end.";

static const uint64_t datatrove_sig[112] = {
    70946219078279857ULL, 46515318129524127ULL, 93679800216269212ULL,
    99228182839138708ULL, 108688414717425836ULL, 683330226520809180ULL,
    64010328499264769ULL, 41887449388385584ULL, 102677555512389393ULL,
    822577613936094ULL, 226707608762741074ULL, 73387174468014338ULL,
    132148479128626335ULL, 53269451237325703ULL, 71992092228196636ULL,
    48348536079650613ULL, 14431973337841717ULL, 45602219983971237ULL,
    250892737355417907ULL, 141452331621241519ULL, 95358580101199220ULL,
    475072547970234891ULL, 1697283524836857ULL, 601511740575699917ULL,
    9763167010730459ULL, 115749345676984328ULL, 6770896081774808ULL,
    64809423039972269ULL, 23528363037373665ULL, 135359383151616392ULL,
    530090920854303935ULL, 527734737748942684ULL, 126654451330112140ULL,
    37514245607684239ULL, 152685789402691859ULL, 15896398617736657ULL,
    227032216709668270ULL, 186173443368036382ULL, 65375248309286136ULL,
    290677811395132566ULL, 51503523306429251ULL, 89253992950171884ULL,
    7643313817979775ULL, 194396052335518496ULL, 210293662325891619ULL,
    560321640719540796ULL, 146095181095753681ULL, 212011236940126012ULL,
    99786577133050511ULL, 136404115877081860ULL, 79421452170119112ULL,
    48936022258401909ULL, 206679292508995939ULL, 286410839982418527ULL,
    192758707435487011ULL, 82905130495357225ULL, 112571703731070898ULL,
    26994462223120150ULL, 93937376829740567ULL, 49525432322468906ULL,
    234689508987006409ULL, 153349501735016298ULL, 78866010827176831ULL,
    299421952029293150ULL, 339609101217707043ULL, 200843177836316744ULL,
    152543487933027731ULL, 290463376176146823ULL, 35417263204371859ULL,
    141713427741438686ULL, 69566346059820188ULL, 161224414371298224ULL,
    45855308121295262ULL, 172784728034409708ULL, 14595413328350727ULL,
    145740024874227796ULL, 232805330777586399ULL, 49154695148157513ULL,
    25934472820049484ULL, 124158186135384023ULL, 16226116019915689ULL,
    427753732997052882ULL, 69119679454058582ULL, 63617538544756535ULL,
    90302408848153619ULL, 18787537867747215ULL, 178078670483505251ULL,
    136973335435186283ULL, 61953677496993982ULL, 159535861739776832ULL,
    436713420816676175ULL, 191904206216125578ULL, 40106653437745159ULL,
    124520008993659817ULL, 177852206166222045ULL, 26757938257202615ULL,
    86309109393098415ULL, 48114725238131195ULL, 10297582426958769ULL,
    214259141834107685ULL, 22945329037456776ULL, 71308717593229533ULL,
    82687426739812513ULL, 92837910096692980ULL, 208074931922635611ULL,
    45105381074047560ULL, 863227510917662ULL, 902755176447638727ULL,
    77094214297809201ULL, 83833649449399639ULL, 28522635239210752ULL,
    302258153609022256ULL,
};

TEST(minhash_signature_matches_datatrove)
{
    sito_minhash_params p;
    sito_minhash_defaults(&p);
    int st;
    sito_minhash *m = sito_minhash_new(&p, &st);
    uint64_t sig[112];
    CHECK_EQ_INT(sito_minhash_signature(m, datatrove_text, sizeof datatrove_text - 1, sig), 14);
    for (int i = 0; i < 112; i++)
        CHECK(sig[i] == datatrove_sig[i]);
    sito_minhash_free(m);
}

TEST(minhash_short_text_has_no_signature)
{
    sito_minhash_params p;
    sito_minhash_defaults(&p);
    int st;
    sito_minhash *m = sito_minhash_new(&p, &st);
    uint64_t sig[112];
    CHECK_EQ_INT(sito_minhash_signature(m, "one two three four", 18, sig), 0);
    CHECK_EQ_INT(sito_minhash_signature(m, "one two three four five", 23, sig), 1);
    sito_minhash_free(m);
}

TEST(minhash_rejects_parameters_out_of_range)
{
    sito_minhash_params p;
    sito_minhash_defaults(&p);
    p.rows = 0;
    int st = 0;
    CHECK(sito_minhash_new(&p, &st) == NULL);
    CHECK_EQ_INT(st, SITO_ERR_ARG);
}

TEST(minhash_odd_sizes_agree_with_scalar_definition)
{
    /* 3 bands x 3 rows: 9 permutations, not a multiple of the vector width */
    sito_minhash_params p;
    sito_minhash_defaults(&p);
    p.bands = 3;
    p.rows = 3;
    p.ngram = 2;
    int st;
    sito_minhash *m = sito_minhash_new(&p, &st);
    const char *t = "the quick brown fox jumps over the lazy dog again and again";
    uint64_t sig[9], want[9];
    CHECK(sito_minhash_signature(m, t, strlen(t), sig) == 11);
    const uint64_t *sh;
    long n = sito_minhash_shingles(m, t, strlen(t), &sh);
    const uint64_t *a = sito_minhash_coeff_a(m), *b = sito_minhash_coeff_b(m);
    const uint64_t P = (1ULL << 61) - 1;
    for (int k = 0; k < 9; k++) {
        want[k] = UINT64_MAX;
        for (long i = 0; i < n; i++) {
            uint64_t v = (sh[i] * a[k] + b[k]) % P;
            if (v < want[k])
                want[k] = v;
        }
        CHECK(sig[k] == want[k]);
    }
    sito_minhash_free(m);
}

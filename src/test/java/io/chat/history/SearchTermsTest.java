package io.chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.junit.jupiter.api.Test;

/** The words bound holds for what Lucene's tokenizer makes of a term: the count is never below the tokens. */
class SearchTermsTest {
    @Test
    void aTermIsCountedAtLeastAsManyWordsAsLuceneMakesOfIt() throws Exception {
        try (Analyzer analyzer = new StandardAnalyzer()) {
            for (String term : List.of(
                    "a" + "©".repeat(20),
                    "a" + "☺".repeat(20),
                    "a" + "❤️".repeat(20),
                    "Ⓐ".repeat(20),
                    "Ⅻ".repeat(20),
                    "🙂".repeat(20),
                    "東京".repeat(10),
                    "deploy failed on staging",
                    "don't stop")) {
                int tokens = tokens(analyzer, term);
                assertTrue(SearchTerms.words(term) >= tokens, term + ": " + SearchTerms.words(term) + " < " + tokens);
            }
        }
        assertEquals(4, SearchTerms.words("deploy failed on staging"));
    }

    @Test
    void aPhraseOfSymbolsPastTheBoundIsRefused() {
        SearchTerms.Refused refused =
                assertThrows(SearchTerms.Refused.class, () -> SearchTerms.parse("\"a" + "©".repeat(199) + "\""));
        assertEquals(SearchTerms.TERM_TOO_LONG, refused.getMessage());
    }

    private static int tokens(Analyzer analyzer, String text) throws Exception {
        int count = 0;
        try (TokenStream stream = analyzer.tokenStream("text", text)) {
            stream.reset();
            while (stream.incrementToken()) {
                count++;
            }
            stream.end();
        }
        return count;
    }
}

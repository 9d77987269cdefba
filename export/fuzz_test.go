package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// FuzzWriteCSV writes whatever cells: the CSV reads back as the same rows,
// each cell as written or, when a spreadsheet would take it for a formula,
// behind an apostrophe.
func FuzzWriteCSV(f *testing.F) {
	f.Add("Núñez", "=HYPERLINK(\"http://x\")", "line\nbreak", "\"quoted\", comma")
	f.Add("+221 33", "-1", "@SUM(A1)", "\tTab")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		var out bytes.Buffer
		if err := WriteCSV(&out, Table{Header: []string{"a", "b", "c", "d"}, Rows: [][]string{{a, b, c, d}}}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not read back: %v\n%q", err, out.String())
		}
		if len(rows) != 2 {
			t.Fatalf("%d rows read back", len(rows))
		}
		for i, cell := range []string{a, b, c, d} {
			got := rows[1][i]
			// encoding/csv reads \r\n inside a quoted field as \n
			want := strings.ReplaceAll(safe(cell), "\r\n", "\n")
			if got != want && got != strings.ReplaceAll(want, "\r", "\n") {
				t.Errorf("cell %d: %q read back as %q", i, cell, got)
			}
			if got != "" && strings.ContainsRune("=+-@", rune(got[0])) {
				t.Errorf("cell %d reads as a formula: %q", i, got)
			}
		}
	})
}

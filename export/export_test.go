package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"delegate/export"
)

var table = export.Table{Name: "Inscripciones", Header: []string{"Nombre", "Organización"}, Rows: [][]string{
	{"José Núñez", "=HYPERLINK(\"http://evil\")"},
	{"Ελένη", "+1 555"},
	{"Олена", "-2+3"},
	{"Ana", "@SUM(A1)"},
}}

func TestCSVIsSafeAndReadable(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, table); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
		t.Error("no byte-order mark for spreadsheet programs")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[1][0] != "José Núñez" || rows[2][0] != "Ελένη" {
		t.Fatalf("rows %v", rows)
	}
	for _, r := range rows[1:] {
		if strings.ContainsAny(r[1][:1], "=+-@") {
			t.Errorf("cell %q could run as a formula", r[1])
		}
		if !strings.HasPrefix(r[1], "'") {
			t.Errorf("cell %q not neutralised", r[1])
		}
	}
}

func TestXLSXReadsBack(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Inscripciones")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][1] != "Organización" || rows[3][0] != "Олена" {
		t.Fatalf("rows %v", rows)
	}
	if tables, err := f.GetTables("Inscripciones"); err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:") {
		t.Errorf("the filters (a table over the rows): %+v %v", tables, err)
	}
	if formula, _ := f.GetCellFormula("Inscripciones", "B2"); formula != "" || rows[1][1] != `=HYPERLINK("http://evil")` {
		t.Errorf("B2 is a formula %q, or its text changed: %q", formula, rows[1][1])
	}
}

// Package export writes tables (the attendee list, and later the logistics
// reports) as CSV and XLSX from plain rows; it imports nothing of ours.
package export

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Table is a header and rows of text: Rows, or, for a table too long to
// hold, Stream, which calls yield with each row in turn (a row may be
// reused after yield returns) and stops at the first error.
type Table struct {
	Name   string // the sheet's name
	Header []string
	Rows   [][]string
	Stream func(yield func(row []string) error) error
}

// each calls fn with every row of t.
func (t Table) each(fn func(row []string) error) error {
	if t.Stream != nil {
		return t.Stream(fn)
	}
	for _, r := range t.Rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// safe keeps a spreadsheet from reading a cell as a formula: text that
// starts with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe (OWASP's advice for CSV injection).
func safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes t as UTF-8 CSV with a byte-order mark, which spreadsheet
// programs need to read accents right.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	row := make([]string, len(t.Header))
	for i, h := range t.Header {
		row[i] = safe(h)
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	n := 0
	err := t.each(func(r []string) error {
		row = row[:0]
		for _, c := range r {
			row = append(row, safe(c))
		}
		if n++; n%500 == 0 {
			cw.Flush() // a long table goes out as it is written
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes t as an Excel workbook with one sheet, a bold frozen
// header row and filters. Cells are text, so nothing is read as a formula.
// The rows go through excelize's stream writer, which keeps a long sheet
// in a temporary file rather than in memory, and the workbook is zipped
// straight to w.
func WriteXLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	name := t.Name
	if name == "" {
		name = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(t.Header))
	for i, h := range t.Header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	n := 0
	err = t.each(func(r []string) error {
		cells = cells[:0]
		for _, c := range r {
			cells = append(cells, c)
		}
		n++
		return sw.SetRow(fmt.Sprintf("A%d", n+1), cells)
	})
	if err != nil {
		return err
	}
	if len(t.Header) > 0 && n > 0 {
		// filters as a table of the stream: a filter set on the sheet after
		// would make excelize read the whole streamed sheet back into memory
		last, _ := excelize.CoordinatesToCellName(len(t.Header), n+1)
		disable := false
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, StyleName: "TableStyleLight1",
			ShowRowStripes: &disable}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// The workbook's zip goes straight to w: excelize's Write would build
	// it in memory first, the size of the whole file.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	_, err = f.WriteToBuffer()
	return err
}

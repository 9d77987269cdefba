package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"delegate/store"
)

func TestAttendeeExports(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	_, a := e.privateLink(t, with(valid("a@example.org"), "given_names", "José", "family_name", "Zúñiga", "organisation", "=1+1"))
	_, b := e.privateLink(t, with(valid("b@example.org"), "given_names", "Ελένη", "family_name", "Αλεξίου", "category", "speaker", "hotel", "", "study_visit", ""))
	_, c := e.privateLink(t, with(valid("c@example.org"), "family_name", "Bâ", "hotel", "", "study_visit", ""))
	e.db.CancelRegistration(ctx, store.System, c, "")

	rec := e.do(t, request{method: "GET", path: "/api/v1/export/registrations.csv?lang=fr", role: "viewer"})
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	if len(rows) != 4 || rows[0][0] != "Référence" || rows[0][1] != "Statut" {
		t.Fatalf("every registration with a status column, in French: %v", rows[0])
	}
	// by family name: Bâ, Zúñiga, then Αλεξίου
	if rows[1][0] != c || rows[2][0] != a || rows[3][0] != b || rows[1][1] != "Annulée" {
		t.Errorf("order or status: %v / %v / %v", rows[1][:2], rows[2][:2], rows[3][:2])
	}
	if strings.Contains(body, "A01234567") || strings.Contains(body, "1972-04-04") {
		t.Error("passport data in the export")
	}
	if !strings.Contains(body, "'=1+1") {
		t.Error("a formula in a cell was not neutralised")
	}
	filtered := e.do(t, request{method: "GET", path: "/api/v1/export/registrations.csv?status=approved", role: "viewer"}).Body.String()
	if strings.Count(filtered, "\n") != 2 || !strings.Contains(filtered, "Ελένη") {
		t.Errorf("approved only:\n%s", filtered)
	}

	admin := e.login(t, "viewer")
	list := e.do(t, request{method: "GET", path: "/admin/registrations?category=speaker&lang=en", session: admin}).Body.String()
	if !strings.Contains(list, `href="/admin/export/registrations.xlsx?category=speaker&amp;lang=en"`) {
		t.Errorf("the list does not link its export with its filters")
	}
	x := e.do(t, request{method: "GET", path: "/admin/export/registrations.xlsx?category=speaker&lang=es", session: admin})
	f, err := excelize.OpenReader(bytes.NewReader(x.Body.Bytes()))
	if err != nil {
		t.Fatalf("xlsx: %d %v", x.Code, err)
	}
	sheet := f.GetSheetName(0)
	cells, _ := f.GetRows(sheet)
	if sheet != "Inscripciones" || len(cells) != 2 || cells[1][5] != "Ελένη" || cells[1][1] != "Aprobada" {
		t.Errorf("xlsx sheet %q: %v", sheet, cells)
	}
}

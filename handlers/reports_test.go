package handlers_test

import (
	"encoding/csv"
	"strings"
	"testing"
)

func csvRows(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestLogisticsReports(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	speaker := func(email string, kv ...any) {
		e.register(t, with(with(valid(email), "category", "speaker", "invitation_letter", false), kv...))
	}
	speaker("a@example.org", "family_name", "Alpha", "arrival_date", "2015-09-27", "arrival_flight", "AF 178", "departure_date", "2015-09-30",
		"hotel", "sample-hotel-a", "dietary", []string{"halal"}, "study_visit", "sample-visit-community", "accessibility", "Wheelchair")
	speaker("b@example.org", "family_name", "Beta", "arrival_date", "2015-09-26", "arrival_flight", "LH 498", "departure_date", "2015-10-01",
		"airport_transfer", false, "hotel", "sample-hotel-a", "dietary", []string{"vegan", "nut_allergy"}, "study_visit", "")
	speaker("c@example.org", "family_name", "Gamma", "arrival_date", "", "departure_date", "", "hotel", "", "dietary", []string{}, "study_visit", "")
	e.register(t, with(valid("pending@example.org"), "family_name", "Pending")) // not approved: in no report
	get := func(name string) [][]string {
		rec := e.do(t, request{method: "GET", path: "/api/v1/reports/" + name + ".csv?lang=en", role: "viewer"})
		if rec.Code != 200 {
			t.Fatalf("%s: %d", name, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "Pending") {
			t.Errorf("%s lists a registration not approved", name)
		}
		return csvRows(t, rec.Body.String())
	}

	arrivals := get("arrivals")
	if len(arrivals) != 4 || arrivals[1][1] != "LH 498" || arrivals[1][4] != "" || arrivals[2][1] != "AF 178" || arrivals[2][4] != "Yes" ||
		arrivals[3][0] != "" || arrivals[3][2] != "Gamma, Aminata" {
		t.Errorf("arrivals by day and flight: %v", arrivals)
	}
	rooming := get("rooming")
	nights := map[string][]string{}
	for _, r := range rooming[1:] {
		nights[r[2]] = append(nights[r[2]], r[1])
	}
	if strings.Join(nights["Alpha, Aminata"], " ") != "2015-09-27 2015-09-28 2015-09-29" || len(nights["Beta, Aminata"]) != 5 || len(nights["Gamma, Aminata"]) != 0 {
		t.Errorf("rooming nights: %v", nights)
	}
	meals := get("meals")
	count := map[string]string{}
	for _, r := range meals[1:] {
		count[r[0]+" "+r[1]] = r[2]
	}
	if count["2015-09-28 Total present"] != "3" || count["2015-09-28 Halal"] != "1" || count["2015-09-28 Vegan"] != "1" ||
		count["2015-09-28 No particular need"] != "1" || count["2015-09-30 Total present"] != "3" {
		t.Errorf("meals: %v", count)
	}
	access := get("accessibility")
	if len(access) != 2 || access[1][2] != "Wheelchair" {
		t.Errorf("accessibility: %v", access)
	}
	visits := get("visits")
	if len(visits) != 2 || !strings.HasPrefix(visits[1][0], "Sample visit: community") || visits[1][2] != "Alpha, Aminata" {
		t.Errorf("visits: %v", visits)
	}
	if rec := e.do(t, request{method: "GET", path: "/api/v1/reports/passports.csv", role: "viewer"}); rec.Code != 404 {
		t.Errorf("unknown report: %d", rec.Code)
	}
	viewer := e.login(t, "viewer")
	page := e.do(t, request{method: "GET", path: "/admin/reports?lang=fr", session: viewer}).Body.String()
	if !strings.Contains(page, "Liste des chambres") || !strings.Contains(page, `href="/admin/reports/meals.xlsx"`) {
		t.Error("the reports page lacks its links")
	}
}

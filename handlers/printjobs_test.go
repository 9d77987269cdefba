package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"delegate/pdf/pdftest"
	"delegate/store"
)

// A print job fixes its badges when it is made and prints them in parts:
// each part the same badges whichever is printed first, counted once per
// print, with a delegate cancelled since left out.
func TestPrintJobInParts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	families := []string{"Eze", "Abara", "Diallo", "Bello", "Cruz"} // by name: Abara Bello Cruz Diallo Eze
	refs := map[string]string{}
	for i, name := range families {
		_, ref := e.privateLink(t, with(valid("job"+string(rune('a'+i))+"@example.org"), "category", "speaker",
			"given_names", "Ada", "family_name", name, "hotel", "", "study_visit", ""))
		refs[name] = ref
	}
	desk := e.login(t, "desk")

	for _, size := range []string{"0", "2001", "two"} {
		rec := e.do(t, request{method: "POST", path: "/admin/badges/jobs?lang=en", session: desk,
			form: url.Values{"layout": {"a6"}, "size": {size}}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Please enter a number from 1 to 2000.") {
			t.Errorf("part size %q: %d", size, rec.Code)
		}
	}
	rec := e.do(t, request{method: "POST", path: "/admin/badges/jobs", session: desk,
		form: url.Values{"layout": {"a6"}, "language": {"en"}, "printed": {"no"}, "size": {"2"}}})
	if rec.Code != http.StatusSeeOther || !regexp.MustCompile(`^/admin/badges/jobs/\d+$`).MatchString(rec.Header().Get("Location")) {
		t.Fatalf("make a job: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	job := rec.Header().Get("Location")

	// cancelled after the job was made: left out of part 2 (Cruz, Diallo)
	if _, err := e.db.CancelRegistration(ctx, store.System, refs["Cruz"], "test"); err != nil {
		t.Fatal(err)
	}
	part2 := e.do(t, request{method: "POST", path: job + "/parts/2", session: desk, form: url.Values{}})
	if part2.Code != 200 || part2.Header().Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(part2.Header().Get("Content-Disposition"), "attachment;") {
		t.Fatalf("part 2: %d %s", part2.Code, part2.Header().Get("Content-Disposition"))
	}
	if text := pdftest.OneLine(t, part2.Body.Bytes()); !strings.Contains(text, "Diallo") ||
		strings.Contains(text, "Cruz") || strings.Contains(text, "Bello") || strings.Contains(text, "Eze") {
		t.Errorf("part 2 holds: %s", text)
	}
	// a badge printed in part 2 does not move part 3: still Eze alone
	part3 := e.do(t, request{method: "POST", path: job + "/parts/3", session: desk, form: url.Values{}})
	if text := pdftest.OneLine(t, part3.Body.Bytes()); part3.Code != 200 || !strings.Contains(text, "Eze") || strings.Contains(text, "Diallo") {
		t.Errorf("part 3: %d %s", part3.Code, text)
	}
	e.do(t, request{method: "POST", path: job + "/parts/3", session: desk, form: url.Values{}})
	for name, want := range map[string]int{"Abara": 0, "Diallo": 1, "Eze": 2, "Cruz": 0} {
		if r, _ := e.db.FindRegistration(ctx, refs[name]); r.BadgePrintedCount != want {
			t.Errorf("%s printed %d times, want %d", name, r.BadgePrintedCount, want)
		}
	}
	page := e.do(t, request{method: "GET", path: job + "?lang=en", session: desk}).Body.String()
	for _, want := range []string{`<progress id="job-progress" max="3" value="2"`, "Parts printed: <span id=\"job-printed\">2</span> / 3",
		"Print part 1</button>", "Print part 3 again</button>", "(2 times)", "Not yet printed", "1–2", "5–5"} {
		if !strings.Contains(page, want) {
			t.Errorf("job page lacks %q", want)
		}
	}
	if rec := e.do(t, request{method: "POST", path: job + "/parts/4", session: desk, form: url.Values{}}); rec.Code != http.StatusNotFound {
		t.Errorf("part 4 of 3: %d", rec.Code)
	}
	if rec := e.do(t, request{method: "GET", path: "/admin/badges?lang=en", session: desk}); !strings.Contains(rec.Body.String(), "5 badges in 3 parts") {
		t.Errorf("badges page lacks the job")
	}
	// a viewer may not print
	if rec := e.do(t, request{method: "POST", path: job + "/parts/1", session: e.login(t, "viewer"), form: url.Values{}}); rec.Code != http.StatusForbidden {
		t.Errorf("a viewer printed a part: %d", rec.Code)
	}
}

// The API prints a batch in pages: limit badges each, the next page in a
// Link header, until none is left.
func TestBadgeBatchPagesThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	for i, name := range []string{"Cruz", "Abara", "Bello"} {
		e.privateLink(t, with(valid("api"+string(rune('a'+i))+"@example.org"), "category", "speaker",
			"given_names", "Ada", "family_name", name, "hotel", "", "study_visit", ""))
	}
	path := "/api/v1/badges.pdf?layout=cr80&printed=no&limit=2"
	var seen []string
	for range 3 {
		rec := e.do(t, request{method: "GET", path: path, role: "desk"})
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		seen = append(seen, pdftest.OneLine(t, rec.Body.Bytes()))
		link := rec.Header().Get("Link")
		if link == "" {
			break
		}
		m := regexp.MustCompile(`^<(/api/v1/badges\.pdf\?[^>]+)>; rel="next"$`).FindStringSubmatch(link)
		if m == nil {
			t.Fatalf("Link: %s", link)
		}
		path = m[1]
	}
	if len(seen) != 2 || !strings.Contains(seen[0], "Abara") || !strings.Contains(seen[0], "Bello") || !strings.Contains(seen[1], "Cruz") {
		t.Errorf("pages: %q", seen)
	}
	if rec := e.do(t, request{method: "GET", path: "/api/v1/badges.pdf?limit=2001", role: "desk"}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("limit 2001: %d", rec.Code)
	}
}

package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"delegate/store"
)

// TestWaitlistOfferOnThePrivatePage sets the hours an offer lasts in the
// settings, frees a place, and has the next delegate on the waiting list
// accept it on the private page; the next offer lapses and is shown so.
func TestWaitlistOfferOnThePrivatePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	admin := e.login(t, "admin")
	form := formFromPage(t, e.do(t, request{method: "GET", path: "/admin/settings?lang=en", session: admin}).Body.String())
	form.Set("capacity", "1")
	form.Set("offer_hours", "-4")
	rec := e.do(t, request{method: "POST", path: "/admin/settings?lang=en", session: admin, form: form})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Please enter a number from 0 to 720") ||
		!strings.Contains(rec.Body.String(), `value="-4"`) {
		t.Fatalf("negative offer hours: %d", rec.Code)
	}
	form.Set("offer_hours", "48")
	if rec := e.do(t, request{method: "POST", path: "/admin/settings", session: admin, form: form}); rec.Code != http.StatusSeeOther {
		t.Fatalf("save the settings: %d\n%s", rec.Code, clip(rec.Body.String()))
	}
	if s := e.db.Settings(); s.OfferHours != 48 || s.Capacity != 1 {
		t.Fatalf("saved %d hours, capacity %d", s.OfferHours, s.Capacity)
	}

	speaker := func(email string) map[string]any {
		return with(valid(email), "category", "speaker", "language", "en", "invitation_letter", false)
	}
	_, firstRef := e.privateLink(t, speaker("first@example.org"))
	page, ref := e.privateLink(t, speaker("second@example.org"))
	if _, err := e.db.CancelRegistration(ctx, store.Actor{Kind: "delegate"}, firstRef, ""); err != nil {
		t.Fatal(err)
	}
	// 15 June 12:00 UTC and 48 hours: 17 June, 07:00 in Mexico City
	const until = "17 June 2015, 07:00 (time in Mexico City)"
	body := e.do(t, request{method: "GET", path: page}).Body.String()
	for _, want := range []string{"A place is free for you", until, "Accept the place", "On the waiting list"} {
		if !strings.Contains(body, want) {
			t.Errorf("private page with an offer lacks %q", want)
		}
	}
	dash := e.do(t, request{method: "GET", path: "/admin?lang=en", session: admin}).Body.String()
	for _, want := range []string{"1 offered a place", "Places offered to the waiting list", ref, "17 June 2015, 07:00"} {
		if !strings.Contains(dash, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if detail := e.do(t, request{method: "GET", path: "/admin/registrations/" + ref + "?lang=en", session: admin}).Body.String(); !strings.Contains(detail, "offered until 17 June 2015, 07:00") {
		t.Errorf("registration page does not show the offer")
	}

	rec = e.do(t, request{method: "POST", path: page + "/accept-offer"})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page+"?offer=accepted" {
		t.Fatalf("accept: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	body = e.do(t, request{method: "GET", path: page + "?offer=accepted"}).Body.String()
	if !strings.Contains(body, "Thank you: the place is yours.") || !strings.Contains(body, "Approved") || strings.Contains(body, "Accept the place") {
		t.Errorf("after accepting, the page does not say so")
	}
	if rec := e.do(t, request{method: "POST", path: page + "/accept-offer"}); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "There is no place on offer") {
		t.Errorf("accepting twice: %d", rec.Code)
	}

	// the next offer lapses: the delegate is told so, and an organiser
	// can put them back
	third, thirdRef := e.privateLink(t, speaker("third@example.org"))
	e.privateLink(t, speaker("fourth@example.org"))
	if _, err := e.db.CancelRegistration(ctx, store.Actor{Kind: "delegate"}, ref, ""); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(49 * time.Hour)
	if rec := e.do(t, request{method: "POST", path: third + "/accept-offer"}); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "The offer of a place has lapsed") {
		t.Errorf("accepting a lapsed offer: %d", rec.Code)
	}
	if strings.Contains(e.do(t, request{method: "GET", path: third}).Body.String(), "Accept the place") {
		t.Errorf("a lapsed offer still shows its button")
	}
	if n, err := e.db.ExpireOffers(ctx); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	if body := e.do(t, request{method: "GET", path: third}).Body.String(); !strings.Contains(body, "not accepted in time") {
		t.Errorf("the private page does not say the offer lapsed")
	}
	detail := e.do(t, request{method: "GET", path: "/admin/registrations/" + thirdRef + "?lang=en", session: admin}).Body.String()
	if !strings.Contains(detail, "Put back on the waiting list") || !strings.Contains(detail, "The offer of a place lapsed") {
		t.Errorf("registration page lacks the lapse and the way back")
	}
	rec = e.do(t, request{method: "POST", path: "/admin/registrations/" + thirdRef + "/waitlist-again", session: admin})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("put back: %d", rec.Code)
	}
	if r, _ := e.db.FindRegistration(ctx, thirdRef); r.OfferPassed {
		t.Errorf("still passed over after being put back")
	}
}

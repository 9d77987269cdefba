package handlers_test

import (
	"context"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"delegate/demo"
	"delegate/store"
	"delegate/testtool"
)

// htmlValidate finds the html-validate command. Without it the check
// skips on a laptop and fails in CI, where .ci/run installs it.
func htmlValidate(t *testing.T) string {
	t.Helper()
	return testtool.Command(t, "npm install -g html-validate@9", "html-validate")
}

// TestEveryPageIsValidSmallHTML renders every kind of page, public and
// admin, full of realistic data, and checks each is under 30 KB and valid
// HTML.
func TestEveryPageIsValidSmallHTML(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	if _, err := demo.Fill(ctx, e.db, e.clock, 150, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Fatal(err)
	}
	reg := e.register(t, valid("pages@example.org"))
	ref := reg["reference"].(string)
	token := strings.TrimPrefix(reg["manage_url"].(string), "https://iclc.example.org/r/")
	owing := e.register(t, with(valid("owing@example.org"), "category", "city_official"))["reference"].(string)
	if _, _, err := e.db.RecordTransfer(ctx, store.System, owing, store.Transfer{Amount: 2500, Currency: "USD", Date: "2015-06-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.IssueInvoice(ctx, store.System, owing, store.Billing{Name: "Ville de Dakar"}); err != nil {
		t.Fatal(err)
	}
	// a full conference, and a place offered to the waiting list; mayors'
	// badges carry a photo
	st, _ := e.db.Stats(ctx)
	s := e.db.Settings()
	s.Capacity = st.PlacesTaken
	for i := range s.Categories {
		s.Categories[i].Photo = s.Categories[i].Code == "mayor"
	}
	if _, err := e.db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	waiting := e.register(t, with(valid("waiting@example.org"), "language", "es"))
	if _, err := e.db.CancelRegistration(ctx, store.System, owing, ""); err != nil {
		t.Fatal(err)
	}
	offered := strings.TrimPrefix(waiting["manage_url"].(string), "https://iclc.example.org/r/")
	setup, _ := e.db.CreateSetupToken(ctx)
	letters, _ := e.db.FindLetters(ctx, 1)
	if len(letters) == 0 {
		t.Fatal("the demo issued no letter")
	}
	verifyCode := e.db.LetterCode(letters[0].Serial)
	admin := e.login(t, "admin")
	texts := map[string]store.MessageText{}
	for _, l := range store.Languages {
		texts[l] = store.MessageText{Subject: "Programme", Body: "The programme is online."}
	}
	if _, _, err := e.db.SendCampaign(ctx, store.System, store.Filter{Category: "mayor"}, texts); err != nil {
		t.Fatal(err)
	}

	dlg, err := e.db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Sénégal", Kind: "member_state", Country: "SN", Quota: 4,
		FocalPoints: []string{"natcom@example.sn"}})
	if err != nil {
		t.Fatal(err)
	}
	member, err := e.db.AddMember(ctx, store.System, dlg.ID, store.Details{GivenNames: "Fatou", FamilyName: "Sow",
		Email: "member@example.sn", Organisation: "Commission nationale", JobTitle: "Secrétaire générale", Country: "SN",
		Category: "member_state", Language: "fr", ConsentPrivacy: true}, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddMember(ctx, store.System, dlg.ID, store.Details{GivenNames: "Awa", FamilyName: "Diallo", Email: "diallo@example.sn",
		Organisation: "Ville de Thiès", JobTitle: "Adjointe au maire", Country: "SN", Category: "city_official", Language: "fr",
		ConsentPrivacy: true}, false, 2); err != nil { // a fee owed: the pro-forma for the delegation
		t.Fatal(err)
	}
	if _, err := e.db.IssueDelegationInvoice(ctx, store.System, dlg.ID, "USD", "fr", store.Billing{Name: "Ville de Thiès"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.RequestDelegation(ctx, store.System, store.DelegationRequest{Delegation: store.Delegation{Name: "Ville de Thiès",
		Kind: "city", Country: "SN", Quota: 2}, ContactName: "Awa Ndiaye", Email: "awa@example.sn", Message: "Deux élus."}); err != nil {
		t.Fatal(err)
	}
	focal := map[string]string{"Cookie": "delegate_focal=" + focalSignIn(t, e, "natcom@example.sn")}
	focalPath := "/focal/delegations/" + strconv.FormatInt(dlg.ID, 10)
	pages := map[string]request{
		"focal-login":     {method: "GET", path: "/focal/login?lang=fr"},
		"request":         {method: "GET", path: "/delegations/request?lang=es"},
		"request-422":     {method: "POST", path: "/delegations/request?lang=fr", form: url.Values{"email": {"bad"}, "quota": {"x"}}},
		"delegation-edit": {method: "GET", path: "/admin/delegations/" + strconv.FormatInt(dlg.ID, 10) + "/edit", session: admin},
		"focal":           {method: "GET", path: focalPath + "?lang=es", header: focal},
		"focal-add":       {method: "GET", path: focalPath + "/members/new", header: focal},
		"focal-add-422":   {method: "POST", path: focalPath + "/members?lang=fr", header: focal, form: url.Values{"email": {"bad"}}},
		"home":            {method: "GET", path: "/"},
		"home-fr":         {method: "GET", path: "/?lang=fr"},
		"register":        {method: "GET", path: "/register"},
		"register-422":    {method: "POST", path: "/register?lang=es", form: asForm(with(valid("x@example.org"), "passport_expiry", "2016-01-01", "email", "bad"))},
		"private":         {method: "GET", path: "/r/" + token + "?created=1"},
		"private-edit":    {method: "GET", path: "/r/" + token + "/edit"},
		"private-offer":   {method: "GET", path: "/r/" + offered},
		"detail-offer":    {method: "GET", path: "/admin/registrations/" + waiting["reference"].(string), session: admin},
		"private-quit":    {method: "GET", path: "/r/" + token + "/cancel"},
		"private-data":    {method: "GET", path: "/r/" + token + "/my-data"},
		"private-erase":   {method: "GET", path: "/r/" + token + "/erase"},
		"admin-privacy":   {method: "GET", path: "/admin/privacy", session: admin},
		"admin-erasures":  {method: "GET", path: "/admin/erasures", session: admin},
		"admin-webhooks":  {method: "GET", path: "/admin/webhooks", session: admin},
		"not-found":       {method: "GET", path: "/nowhere"},
		"login":           {method: "GET", path: "/admin/login"},
		"setup":           {method: "GET", path: "/admin/setup?token=" + setup},
		"dashboard":       {method: "GET", path: "/admin", session: admin},
		"desk-live":       {method: "GET", path: "/admin/checkin/live", session: admin},
		"desk-unnamed":    {method: "GET", path: "/admin/checkin", session: admin, noDesk: true},
		"list":            {method: "GET", path: "/admin/registrations", session: admin},
		"list-filtered":   {method: "GET", path: "/admin/registrations?status=approved&letter=yes&sort=name", session: admin},
		"detail":          {method: "GET", path: "/admin/registrations/" + ref, session: admin},
		"detail-edit":     {method: "GET", path: "/admin/registrations/" + ref + "/edit", session: admin},
		"detail-money":    {method: "GET", path: "/admin/registrations/" + owing + "?lang=fr", session: admin},
		"settings":        {method: "GET", path: "/admin/settings?lang=es", session: admin},
		"places":          {method: "GET", path: "/admin/settings/places?lang=fr", session: admin},
		"money":           {method: "GET", path: "/admin/settings/money?lang=es", session: admin},
		"statement":       {method: "GET", path: "/admin/finance/statement?lang=fr", session: admin},
		"statement-lines": statementRequest(admin, "Date,Amount,Description\n2015-06-10,100.00,"+store.DelegationReference(dlg.ID)+"\n2015-06-10,5.00,ICLC-DEL-999\n",
			map[string]string{"date": "Date", "amount": "Amount", "text": "Description"}),
		"delegation":      {method: "GET", path: "/admin/delegations/" + strconv.FormatInt(dlg.ID, 10) + "?lang=fr", session: admin},
		"finance":         {method: "GET", path: "/admin/finance?lang=es", session: admin},
		"privacy-es":      {method: "GET", path: "/privacy?lang=es"},
		"delegations":     {method: "GET", path: "/admin/delegations?lang=fr", session: admin},
		"delegations-422": {method: "POST", path: "/admin/delegations", session: admin, form: url.Values{"name": {""}, "quota": {"x"}}},
		"bulk-confirm":    {method: "POST", path: "/admin/registrations/bulk?lang=fr", session: admin, form: url.Values{"action": {"reject"}, "ref": {ref}}},
		"confirm":         {method: "POST", path: "/admin/registrations/" + ref + "/cancel?lang=es", session: admin, form: url.Values{"reason": {"x"}}},
		"settings-422":    {method: "POST", path: "/admin/settings", session: admin, form: url.Values{"capacity": {"x"}, "categories.count": {"1"}}},
		"users":           {method: "GET", path: "/admin/users", session: admin},
		"tokens":          {method: "GET", path: "/admin/tokens?lang=fr", session: admin},
		"audit":           {method: "GET", path: "/admin/audit", session: admin},
		"mail":            {method: "GET", path: "/admin/mail", session: admin},
		"mail-message":    {method: "GET", path: "/admin/mail/1", session: admin},
		"compose":         {method: "GET", path: "/admin/messages/new", session: admin},
		"compose-gnlc":    {method: "GET", path: "/admin/messages/new?preset=gnlc&lang=fr", session: admin},
		"campaign":        {method: "GET", path: "/admin/messages/1", session: admin},
		"badges":          {method: "GET", path: "/admin/badges", session: admin},
		"checkin":         {method: "GET", path: "/admin/checkin?q=a", session: admin},
		"reports":         {method: "GET", path: "/admin/reports?lang=es", session: admin},
		"participants":    {method: "GET", path: "/admin/participants?lang=fr", session: admin},
		"focal-withdraw":  {method: "POST", path: focalPath + "/members/" + member.Reference + "/withdraw?lang=fr", header: focal},
		"checkin-scan":    {method: "POST", path: "/admin/checkin", session: admin, form: url.Values{"reference": {ref}}},
		"letters":         {method: "GET", path: "/admin/letters?lang=fr", session: admin},
		"verify":          {method: "GET", path: "/verify/" + verifyCode},
		"verify-form":     {method: "GET", path: "/verify?lang=fr"},
		"link":            {method: "GET", path: "/link?lang=es"},
		"link-sent":       {method: "POST", path: "/link", form: url.Values{"email": {"nobody@example.org"}}},
		"codes":           {method: "GET", path: "/admin/codes?lang=es", session: admin},
		"account":         {method: "GET", path: "/admin/account?required=1", session: admin},
		"account-start":   {method: "POST", path: "/admin/account/2fa/start?lang=fr", session: admin},
		"certificates":    {method: "GET", path: "/admin/certificates?lang=fr", session: admin},
		"register-code":   {method: "GET", path: "/register?code=NOSUCHCODE"},
		"verify-match":    {method: "POST", path: "/verify?lang=es", form: url.Values{"serial": {letters[0].Serial}, "code": {e.db.LetterShortCode(letters[0].Serial)}, "passport": {"X1"}}},
		"verify-404":      {method: "POST", path: "/verify", form: url.Values{"serial": {"L1"}, "code": {"AAAA-AAAA"}}},
		"compose-preview": {method: "POST", path: "/admin/messages", session: admin, form: url.Values{"status": {"approved"},
			"subject.en": {"Hello"}, "body.en": {"Text"}, "subject.es": {"Hola"}, "body.es": {"Texto"},
			"subject.fr": {"Bonjour"}, "body.fr": {"Texte"}, "preview": {"1"}}},
	}
	dir := t.TempDir()
	for name, req := range pages {
		rec := e.do(t, req)
		if rec.Code >= 500 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s: status %d, type %q", name, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		if n := rec.Body.Len(); n > 30<<10 {
			t.Errorf("%s is %d bytes, over 30 KB", name, n)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".html"), rec.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := e.db.Stats(ctx); st.Total < 150 {
		t.Fatalf("only %d registrations to fill the pages", st.Total)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	cmd := exec.Command(htmlValidate(t), append([]string{"--config", "testdata/htmlvalidate.json"}, files...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("html-validate: %v\n%s", err, out)
	}
}

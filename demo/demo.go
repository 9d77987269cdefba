// Package demo fills a database with realistic sample registrations, for
// trying delegate and for benchmarks.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"golang.org/x/sync/errgroup"

	"delegate/clock"
	"delegate/store"
)

// person is a sample of one country's names.
type person struct {
	country, lang, city string
	given, family       []string
	// latin is a Latin-letter badge name for scripts a badge font may lack.
	latin bool
}

var people = []person{
	{"SN", "fr", "Dakar", []string{"Aminata", "Mamadou", "Fatou", "Ousmane"}, []string{"Diop", "Ndiaye", "Sow", "Fall"}, false},
	{"VN", "en", "Hà Nội", []string{"Nguyễn Thị", "Trần Văn", "Lê Thị Thu", "Phạm Quốc"}, []string{"Hương", "Đức", "Hằng", "Việt"}, false},
	{"GR", "en", "Αθήνα", []string{"Γιώργος", "Ελένη", "Δημήτρης", "Αικατερίνη"}, []string{"Παπαδόπουλος", "Νικολάου", "Οικονόμου", "Γεωργίου"}, false},
	{"UA", "en", "Київ", []string{"Олена", "Андрій", "Оксана", "Тарас"}, []string{"Шевченко", "Коваленко", "Бондаренко", "Ткаченко"}, false},
	{"RU", "en", "Санкт-Петербург", []string{"Мария", "Алексей", "Наталья", "Дмитрий"}, []string{"Иванова", "Смирнов", "Кузнецова", "Попов"}, false},
	{"MX", "es", "Ciudad de México", []string{"José Luis", "María Fernanda", "Juan Pablo", "Guadalupe"}, []string{"Hernández", "García", "Martínez", "López"}, false},
	{"CO", "es", "Medellín", []string{"Andrés", "Natalia", "Camilo", "Lucía"}, []string{"Gómez", "Rodríguez", "Muñoz", "Ramírez"}, false},
	{"ES", "es", "Barcelona", []string{"Jordi", "Núria", "Íñigo", "Begoña"}, []string{"Puig", "Echeverría", "Fernández", "Ibáñez"}, false},
	{"FR", "fr", "Lyon", []string{"Élodie", "François", "Hélène", "Jérôme"}, []string{"Lefèvre", "Moreau", "Dubois", "Girard"}, false},
	{"CM", "fr", "Yaoundé", []string{"Célestine", "Jean-Baptiste", "Aïcha", "Serge"}, []string{"Mbarga", "Nkoulou", "Etoundi", "Fotso"}, false},
	{"DE", "en", "Hamburg", []string{"Jürgen", "Anja", "Sören", "Käthe"}, []string{"Müller", "Schäfer", "Weiß", "Hoffmann"}, false},
	{"BR", "es", "Curitiba", []string{"João", "Conceição", "Sebastião", "Luíza"}, []string{"Gonçalves", "Araújo", "Simões", "Magalhães"}, false},
	{"TR", "en", "İstanbul", []string{"Şükrü", "Gülşen", "Çağla", "Ömer"}, []string{"Yılmaz", "Öztürk", "Çelik", "Doğan"}, false},
	{"PL", "en", "Kraków", []string{"Łukasz", "Małgorzata", "Krzysztof", "Zofia"}, []string{"Wiśniewski", "Wójcik", "Kamińska", "Żak"}, false},
	{"FI", "en", "Espoo", []string{"Jaana", "Päivi", "Mikko", "Aino"}, []string{"Häkkinen", "Korhonen", "Mäkelä", "Virtanen"}, false},
	{"NG", "en", "Lagos", []string{"Oluwaseun", "Chiamaka", "Ifeanyi", "Ngozi"}, []string{"Adebayo", "Okafor", "Eze", "Balogun"}, false},
	{"KE", "en", "Nairobi", []string{"Wanjiru", "Otieno", "Achieng", "Kamau"}, []string{"Mwangi", "Odhiambo", "Njoroge", "Wafula"}, false},
	{"MA", "fr", "Rabat", []string{"Youssef", "Fatima Zahra", "Mehdi", "Salma"}, []string{"El Amrani", "Benjelloun", "Alaoui", "Tazi"}, false},
	{"EG", "en", "Giza", []string{"محمد", "فاطمة", "أحمد", "نور"}, []string{"حسن", "إبراهيم", "عبد الله", "سعيد"}, true},
	{"CN", "en", "Beijing", []string{"伟", "芳", "秀英", "强"}, []string{"王", "李", "张", "刘"}, true},
	{"KR", "en", "Suwon", []string{"민준", "서연", "지훈", "수빈"}, []string{"김", "이", "박", "최"}, true},
	{"JP", "en", "Okayama", []string{"Haruto", "Yui", "Sōta", "Aoi"}, []string{"Satō", "Suzuki", "Takahashi", "Itō"}, false},
	{"IN", "en", "Bengaluru", []string{"Priya", "Arjun", "Lakshmi", "Rohan"}, []string{"Sharma", "Iyer", "Reddy", "Nair"}, false},
	{"AU", "en", "Melton", []string{"Olivia", "Jack", "Charlotte", "Liam"}, []string{"Smith", "O'Connor", "Nguyen", "Wilson"}, false},
	{"IE", "en", "Cork", []string{"Siobhán", "Seán", "Aoife", "Pádraig"}, []string{"Ó Briain", "Ní Mhurchú", "Mac Cárthaigh", "Ó Súilleabháin"}, false},
	{"CA", "fr", "Montréal", []string{"Geneviève", "Éric", "Chloé", "Benoît"}, []string{"Tremblay", "Gagnon", "Bélanger", "Côté"}, false},
	{"CL", "es", "Santiago", []string{"Ignacio", "Constanza", "Matías", "Josefa"}, []string{"Muñoz", "Rojas", "Díaz", "Soto"}, false},
	{"ZA", "en", "Cape Town", []string{"Thandiwe", "Sipho", "Nomvula", "Pieter"}, []string{"Dlamini", "Nkosi", "van der Merwe", "Botha"}, false},
	{"NO", "en", "Bergen", []string{"Øystein", "Ingrid", "Bjørn", "Åse"}, []string{"Hansen", "Sørensen", "Ødegård", "Haugen"}, false},
	{"BJ", "fr", "Cotonou", []string{"Rachidatou", "Koffi", "Adjoa", "Sèna"}, []string{"Houngbédji", "Agossou", "Dossou", "Tchibozo"}, false},
}

var (
	// latinNames stand on the badges of the scripts marked latin, in order.
	latinNames = map[string][]string{
		"EG": {"Mohamed Hassan", "Fatma Ibrahim", "Ahmed Abdallah", "Nour Said"},
		"CN": {"Wang Wei", "Li Fang", "Zhang Xiuying", "Liu Qiang"},
		"KR": {"Kim Minjun", "Lee Seoyeon", "Park Jihun", "Choi Subin"},
	}
	unAgencies = []string{"UNESCO", "UNICEF", "UN-Habitat", "UNDP", "UNESCO Institute for Lifelong Learning", "UN Women"}
	ngos       = []string{"Learning Cities Alliance (sample)", "Adult Education Without Borders (sample)", "Community Literacy Forum (sample)"}
	companies  = []string{"Open Courseware Ltd (sample)", "EduTech Solutions SA (sample)", "Learning Spaces GmbH (sample)"}
	jobs       = map[string][]string{
		"mayor":          {"Mayor", "Deputy Mayor", "Lord Mayor"},
		"city_official":  {"Director of Education", "Head of Lifelong Learning", "Education Officer"},
		"member_state":   {"Minister of Education", "Secretary-General of the National Commission for UNESCO", "Counsellor"},
		"un_agency":      {"Programme Specialist", "Education Officer", "Director"},
		"gnlc_partner":   {"Coordinator", "Programme Manager"},
		"ngo":            {"Executive Director", "Programme Officer"},
		"academia":       {"Professor", "Researcher", "Lecturer"},
		"private_sector": {"Chief Executive", "Partnerships Manager"},
		"speaker":        {"Keynote Speaker", "Panellist"},
		"press":          {"Journalist", "Photographer", "Editor"},
		"staff":          {"Conference Officer", "Volunteer"},
	}
	weights = []struct {
		category string
		weight   int
	}{
		{"mayor", 16}, {"city_official", 22}, {"member_state", 14}, {"un_agency", 6}, {"gnlc_partner", 5},
		{"ngo", 9}, {"academia", 11}, {"private_sector", 4}, {"speaker", 5}, {"press", 5}, {"staff", 3},
	}
	flights = []string{"AM", "LH", "AF", "IB", "UA", "KL", "TK", "CM", "AV"}
)

// latin reports whether s is in Latin letters (with their accents).
func latin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// Summary says what Fill added.
type Summary struct {
	Added    int
	ByStatus map[string]int
}

// Fill adds n sample registrations through the same path as the form, then
// approves, rejects and cancels some of them as organisers would. The
// samples and decisions come from rnd in order, so a seed gives the same
// people; they are written by many callers at once, as a busy form would
// be, so that the store's group commit shares each fsync among many. They
// arrive over the four months before now: each caller sets the store's
// clock (clk, Options.Now) to its registration's time as it starts it, so
// a registration's times are within a few others' of its own.
func Fill(ctx context.Context, db *store.DB, clk *clock.Manual, total int, rnd *rand.Rand) (Summary, error) {
	// of the total, three a delegation are its members, nominated by its
	// focal point at the end
	nd := delegationsFor(total)
	n := total - nominated(nd)
	s := db.Settings()
	sum := Summary{ByStatus: map[string]int{}}
	actor := store.Actor{Kind: "system", Name: "demo"}
	end := clk.Now()
	start := end.AddDate(0, -4, 0)
	samples := make([]store.Details, n)
	decisions := make([]int, n)
	arrivals := make([]time.Time, n)
	for i := range n {
		samples[i] = sample(rnd, &s, i)
		decisions[i] = rnd.IntN(100)
		arrivals[i] = start.Add(time.Duration(float64(end.Sub(start)) * (float64(i) + rnd.Float64()) / float64(n)))
	}
	made := make([]store.Registration, n)
	err := each(ctx, n, func(i int) error {
		clk.Set(arrivals[i])
		d := samples[i]
		r, err := db.CreateRegistration(ctx, actor, d)
		if store.IsDuplicate(err) {
			return nil
		}
		if err != nil {
			// a hotel or visit may be full: try once more without them
			d.Hotel, d.StudyVisit = "", ""
			if r, err = db.CreateRegistration(ctx, actor, d); err != nil {
				return fmt.Errorf("demo registration %d: %w", i, err)
			}
		}
		made[i] = r
		return nil
	})
	if err != nil {
		return sum, err
	}
	clk.Set(end)
	for _, r := range made {
		if r.ID != 0 {
			sum.Added++
		}
	}
	err = each(ctx, n, func(i int) error {
		r := made[i]
		if r.ID == 0 {
			return nil
		}
		var err error
		switch x := decisions[i]; {
		case r.Status == store.StatusPending && x < 70:
			_, err = db.ApproveRegistration(ctx, actor, r.Reference)
		case r.Status == store.StatusPending && x < 75:
			_, err = db.RejectRegistration(ctx, actor, r.Reference, "Sample: the category does not match the organisation.")
		case x >= 96:
			_, err = db.CancelRegistration(ctx, actor, r.Reference, "")
		}
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	members, err := delegations(ctx, db, s, actor, rnd, n, nd)
	sum.Added += members
	if err != nil {
		return sum, err
	}
	if err := money(ctx, db, actor, made); err != nil {
		return sum, err
	}
	st, err := db.Stats(ctx)
	if err != nil {
		return sum, err
	}
	sum.ByStatus = st.ByStatus
	return sum, nil
}

// callers is how many registrations are written at once.
const callers = 64

// each runs fn for 0..n-1 on callers goroutines; the first error stops it.
func each(ctx context.Context, n int, fn func(i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(callers)
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error { return fn(i) })
	}
	return g.Wait()
}

func pick[T any](rnd *rand.Rand, list []T) T { return list[rnd.IntN(len(list))] }

func category(rnd *rand.Rand) string {
	total := 0
	for _, w := range weights {
		total += w.weight
	}
	x := rnd.IntN(total)
	for _, w := range weights {
		if x < w.weight {
			return w.category
		}
		x -= w.weight
	}
	return "mayor"
}

func sample(rnd *rand.Rand, s *store.Settings, i int) store.Details {
	p := pick(rnd, people)
	gi, fi := rnd.IntN(len(p.given)), rnd.IntN(len(p.family))
	cat := category(rnd)
	d := store.Details{
		GivenNames:     p.given[gi],
		FamilyName:     p.family[fi],
		Email:          fmt.Sprintf("delegate%04d.%s@example.org", i+1, strings.ToLower(p.country)),
		Country:        p.country,
		City:           p.city,
		Category:       cat,
		Language:       p.lang,
		JobTitle:       pick(rnd, jobs[cat]),
		Phone:          fmt.Sprintf("+%d %d %04d %04d", 1+rnd.IntN(98), 10+rnd.IntN(89), rnd.IntN(10000), rnd.IntN(10000)),
		ConsentPrivacy: true,
		ConsentPhoto:   rnd.IntN(10) < 8,
	}
	if p.latin {
		d.BadgeName = latinNames[p.country][gi]
	}
	switch cat {
	case "mayor":
		d.Title = "H.E."
		d.Organisation = "City of " + p.city
		d.GNLC = pick(rnd, []string{"member", "interested", ""})
	case "city_official":
		d.Organisation = "Education Department, " + p.city
		d.GNLC = pick(rnd, []string{"member", "interested", ""})
	case "member_state":
		d.Title = pick(rnd, []string{"H.E.", "Mr", "Ms", "Dr"})
		d.Organisation = "Ministry of Education"
	case "un_agency":
		d.Organisation = pick(rnd, unAgencies)
	case "ngo", "gnlc_partner":
		d.Organisation = pick(rnd, ngos)
	case "academia":
		d.Title = pick(rnd, []string{"Prof", "Dr"})
		d.Organisation = "University of " + p.city
	case "private_sector":
		d.Organisation = pick(rnd, companies)
	case "press":
		d.Organisation = p.city + " Daily News (sample)"
	case "speaker":
		d.Title = pick(rnd, []string{"Prof", "Dr", "Ms", "Mr"})
		d.Organisation = "University of " + p.city
	case "staff":
		d.Organisation = "UNESCO Institute for Lifelong Learning"
	}
	// a letter prints the passport's Latin-letter name: the name as typed
	// where it is Latin, its Latin form where the demo knows one
	passportGiven, passportFamily := d.GivenNames, d.FamilyName
	if p.latin {
		g, f, _ := strings.Cut(latinNames[p.country][gi], " ")
		passportGiven, passportFamily = f, g // family name first, as written
	}
	if rnd.IntN(100) < 35 && latin(passportGiven+passportFamily) {
		d.InvitationLetter = true
		d.PassportGivenNames, d.PassportFamilyName = passportGiven, passportFamily
		d.Nationality = p.country
		d.PassportNumber = fmt.Sprintf("%c%c%07d", 'A'+rune(rnd.IntN(26)), 'A'+rune(rnd.IntN(26)), rnd.IntN(10000000))
		d.PassportExpiry = s.End().AddDate(1+rnd.IntN(8), rnd.IntN(12), 0).Format(store.DateLayout)
		d.DateOfBirth = time.Date(1950+rnd.IntN(45), time.Month(1+rnd.IntN(12)), 1+rnd.IntN(28), 0, 0, 0, 0, time.UTC).Format(store.DateLayout)
	}
	if rnd.IntN(100) < 70 {
		arrive := s.Start().AddDate(0, 0, -1-rnd.IntN(3))
		leave := s.End().AddDate(0, 0, rnd.IntN(3))
		d.ArrivalDate, d.DepartureDate = arrive.Format(store.DateLayout), leave.Format(store.DateLayout)
		d.ArrivalFlight = fmt.Sprintf("%s %d", pick(rnd, flights), 10+rnd.IntN(990))
		d.DepartureFlight = fmt.Sprintf("%s %d", pick(rnd, flights), 10+rnd.IntN(990))
		d.AirportTransfer = rnd.IntN(2) == 0
		if len(s.Hotels) > 0 && rnd.IntN(100) < 60 {
			d.Hotel = pick(rnd, s.Hotels).Code
		}
	}
	if len(s.StudyVisits) > 0 && rnd.IntN(100) < 30 {
		d.StudyVisit = pick(rnd, s.StudyVisits).Code
	}
	if rnd.IntN(100) < 25 {
		d.Dietary = []string{pick(rnd, store.DietaryNeeds[:6])}
	}
	if rnd.IntN(100) < 4 {
		d.Accessibility = "Wheelchair user: step-free access and an accessible room, please."
	}
	return d
}

// membersEach is how many members the demo nominates for a delegation.
const membersEach = 3

// delegationsFor is how many delegations a demo of total registrations
// has: one for every 25, up to one a sample country and a dozen.
func delegationsFor(total int) int { return min(total/25, 12, len(people)) }

// delegations adds nd National Commissions' delegations for sample
// countries, each with a focal point and three members nominated by it,
// the first its head; n is how many registrations came before.
func delegations(ctx context.Context, db *store.DB, s store.Settings, actor store.Actor, rnd *rand.Rand, n, nd int) (int, error) {
	added := 0
	for i := range nd {
		p := people[i]
		cc := strings.ToLower(p.country)
		d, err := db.CreateDelegation(ctx, actor, store.Delegation{Name: "National Commission for UNESCO (" + p.country + ")",
			Kind: "member_state", Country: p.country, Quota: 5, FocalPoints: []string{"natcom@example." + cc}})
		if err != nil {
			return added, fmt.Errorf("demo delegation: %w", err)
		}
		focal := store.Actor{Kind: "focal", Name: "natcom@example." + cc}
		if i%2 == 0 { // half the delegations have sent their note verbale, and their credentials are in
			if err := db.SaveNoteVerbale(ctx, focal, d.ID, "note-verbale-"+cc+".pdf", noteVerbale(d.Name)); err != nil {
				return added, fmt.Errorf("demo note verbale: %w", err)
			}
			if err := db.RecordCredentials(ctx, actor, d.ID, store.CredentialsCopy, s.StartDate); err != nil {
				return added, fmt.Errorf("demo credentials: %w", err)
			}
		}
		for m := range membersEach {
			member := sample(rnd, &s, n+i*membersEach+m)
			member.Country, member.Language, member.Category, member.AccessCode = p.country, p.lang, "member_state", ""
			member.GivenNames, member.FamilyName = p.given[m%len(p.given)], p.family[(m+1)%len(p.family)]
			member.BadgeName, member.Hotel, member.StudyVisit = "", "", "" // the focal point books no hotel or visit
			member.Email = fmt.Sprintf("member%d.%s@example.org", m+1, cc)
			r, err := db.AddMember(ctx, focal, d.ID, member, m == 0, m+1)
			var ce *store.ConflictError
			switch {
			case err == nil && i == 1 && m == 2: // one member asks to be left out of the published list
				added++
				err = db.SetListOptOut(ctx, focal, r.Reference, true)
			case err == nil:
				added++
			case store.IsDuplicate(err) || errors.As(err, &ce): // the conference closed or full
			default:
				return added, fmt.Errorf("demo member: %w", err)
			}
		}
	}
	if nd > 0 { // a city hall's officials owe their fees
		n, err := cityDelegation(ctx, db, actor)
		if added += n; err != nil {
			return added, err
		}
	}
	if nd > 0 { // and a city waits for the organisers' answer to its request
		_, err := db.RequestDelegation(ctx, actor, store.DelegationRequest{Delegation: store.Delegation{Name: "City of Sample Town",
			Kind: "city", Country: people[0].country, Quota: 3, Language: "en"}, ContactName: "Sample Requester", Email: "requests@example.org",
			Message: "Our mayor and two officials would come."})
		if err != nil {
			return added, fmt.Errorf("demo request: %w", err)
		}
	}
	return added, nil
}

// money gives finance something to look at: a sample bank account for
// transfers, and among the first fees due one paid by transfer in full,
// one in part, and an invoice to each organisation.
func money(ctx context.Context, db *store.DB, actor store.Actor, made []store.Registration) error {
	s := db.Settings()
	if len(s.BankAccounts) == 0 {
		s.BankAccounts = []store.BankAccount{{Currency: s.Currency, Holder: "Sample account holder (example)",
			Account: "XX00 0000 0000 0000 0000 00", BIC: "SAMPLEXXX", Bank: "Sample Bank, Hamburg (example)"}}
		if _, err := db.UpdateSettings(ctx, actor, s); err != nil {
			return fmt.Errorf("demo bank account: %w", err)
		}
	}
	done := 0
	for _, r := range made {
		if done == 2 {
			break
		}
		if r.ID == 0 || !r.Live() || r.PaymentStatus != store.PaymentUnpaid || r.Fee.Amount <= 0 {
			continue
		}
		amount := r.Fee.Amount
		if done == 1 {
			amount /= 2 // part of the fee: the rest still due
		}
		day := db.Now().In(s.Location()).AddDate(0, 0, -3).Format(store.DateLayout)
		if _, _, err := db.RecordTransfer(ctx, actor, r.Reference, store.Transfer{Amount: amount, Currency: r.Fee.Currency, Date: day,
			BankRef: fmt.Sprintf("SAMPLE-%d", done+1)}); err != nil {
			return fmt.Errorf("demo transfer: %w", err)
		}
		if _, err := db.IssueInvoice(ctx, actor, r.Reference, store.Billing{Name: r.Organisation}); err != nil {
			return fmt.Errorf("demo invoice: %w", err)
		}
		done++
	}
	return nil
}

// noteVerbale is a one-page PDF that stands for a delegation's note
// verbale.
func noteVerbale(name string) []byte {
	text := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace("Note verbale (sample): " + name)
	stream := "BT /F1 14 Tf 72 720 Td (" + text + ") Tj ET"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return []byte(b.String())
}

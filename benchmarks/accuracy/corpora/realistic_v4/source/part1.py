# realistic_v4, part 1 of 4: 40 hand-written texts, (genre, country, marked_text).
# Marks: [[TYPE:value]], or [[TYPE~scheme:value]] with ? / * / ^ placeholders for check digits.

RECORDS = [
("support_ticket", "DE", """Ticket #48213 – Rücksendung Waschmaschine
Kundin: [[PERSON:Henrike Wollschläger]], Kundennr. [[ACCOUNT_NUMBER:KD-7730418]]
Sie schreibt: „Die Maschine (Bosch Serie 6) wurde am 3. März geliefert, aber die Trommel klappert laut. Bitte holen Sie das Gerät bei mir ab: [[STREET_ADDRESS:Lindenweg 14a, 3. OG links, 34117 Kassel]]. Ich bin werktags ab 16 Uhr da, Handy [[PHONE_NUMBER:0151 2873 4406]].“
Priorität: normal · Kanal: Kontaktformular"""),

("chat_transcript", "GB", """[09:14] [[USERNAME:mossy_kat]]: hiya, my parcel says delivered but there's nothing here
[09:15] [[USERNAME:agent_priya.s]]: Sorry to hear that! Can you confirm the delivery address?
[09:15] [[USERNAME:mossy_kat]]: [[STREET_ADDRESS:flat 2, 19 Cranbourne Rd, Sheffield S11 8QP]]
[09:16] [[USERNAME:agent_priya.s]]: Thanks. And the name on the order?
[09:16] [[USERNAME:mossy_kat]]: [[PERSON:katie o'rourke]], but it was paid with my partner's card ([[PERSON:Dev Chaudhary]])
[09:17] [[USERNAME:agent_priya.s]]: Thanks [[PERSON:Katie]]. The driver marked it as left in a safe place at 08:52. Could it be with a neighbour?
[09:19] [[USERNAME:mossy_kat]]: checked no.3 and no.1, nothing. the photo shows a blue door, ours is green lol
[09:20] [[USERNAME:agent_priya.s]]: That explains it! I've opened an investigation (ref INV-55821) and ordered a replacement for tomorrow. You'll get a text on [[PHONE_NUMBER:07412 558031]] with a 1-hour window."""),

("email", "FR", """Objet : Confirmation de votre commande CMD-2024-88172
Bonjour,
Votre commande (3 × cocotte Le Creuset 24 cm, 1 × Opinel n°8) sera expédiée depuis notre entrepôt de Villeneuve-Saint-Georges le 14/05. Numéro de suivi Colissimo : 6A21839204517. Le retrait est aussi possible dans les magasins Galeries Lafayette de Paris Haussmann et de Lyon Part-Dieu.
À bientôt,
Le service client Maison Dubreuil – du lundi au samedi, 9 h – 19 h"""),

("sms", "ES", """Hola [[PERSON:Maite]], soy [[PERSON:Iñaki]] del taller. Tu Seat Ibiza ya está listo, son 312,40 €. Si prefieres transferencia: [[IBAN_CODE:ES?? 0182 4013 ??02 0153 8847]] a nombre de Talleres Etxeberria S.L. Cualquier cosa me llamas al [[PHONE_NUMBER:688 41 27 90]]. Abrimos el sábado hasta las 14h."""),

("app_log", "XX", """2024-06-11T08:42:17.331Z WARN  auth-svc login failed user=[[USERNAME:r.okonkwo]] src=[[IP_ADDRESS:198.51.100.23]] reason=bad_password attempts=4
2024-06-11T08:42:19.004Z INFO  auth-svc mfa challenge sent channel=sms to=[[PHONE_NUMBER:+234 803 412 7765]] user=[[USERNAME:r.okonkwo]] trace=7f3a9c0e21b4
2024-06-11T08:42:51.870Z INFO  auth-svc login ok user=[[USERNAME:r.okonkwo]] src=[[IP_ADDRESS:198.51.100.23]] session=ok"""),

("llm_prompt", "BR", """Resuma a reclamação abaixo em 3 tópicos e sugira uma resposta educada para o cliente:
---
Meu nome é [[PERSON:Lucimar Antunes da Silva]], CPF [[NATIONAL_ID~br_cpf:318.552.907-??]]. Comprei uma geladeira Brastemp na loja de Campinas e até hoje não chegou. Moro na [[STREET_ADDRESS:Rua Barão de Jaguara, 1120, apto 52, Centro, Campinas - SP, 13015-001]]. Já liguei cinco vezes no SAC e ninguém resolve. Meu WhatsApp é [[PHONE_NUMBER:(19) 98841-2276]].
---"""),

("hr_note", "SE", """HR-anteckning 2024-05-28
[[PERSON:Linnéa Bergqvist]] (personnr [[NATIONAL_ID~se_pnr:19910423-372?]]) har ansökt om föräldraledighet från 1 september till 31 mars. Närmaste chef [[PERSON:Mats Öhrn]] har godkänt. Lön betalas som vanligt till clearingnr 8327-9, kontonr [[ACCOUNT_NUMBER:994 238 471-6]]. Ersättare under ledigheten: konsult från Academic Work."""),

("shipping_label", "JP", """お届け先
〒[[STREET_ADDRESS:150-0042 東京都渋谷区宇田川町31-4 ハイツ宇田川203号室]]
[[PERSON:森下 遥香]] 様
TEL [[PHONE_NUMBER:090-3318-6472]]
ご依頼主：株式会社ミナトネット 通販事業部
品名：書籍（割れ物注意）
配達希望日：6月14日 午前中"""),

("medical_intake", "US", """Patient intake – Riverbend Family Clinic
Name: [[PERSON:Delphine Okafor-Reyes]]
DOB: [[DATE_OF_BIRTH:03/17/1986]]
SSN: [[US_SSN:412-68-3390]]
Insurance: Aetna PPO, member ID [[ACCOUNT_NUMBER:W284661790]]
Emergency contact: [[PERSON:Marcus]] (brother) [[PHONE_NUMBER:(312) 555-0147]]
Allergies: penicillin, latex. Reason for visit: follow-up on Hashimoto's, refill of levothyroxine."""),

("meeting_notes", "NL", """Notulen sprintreview 12 juni
- Release 4.2 van de Philips Hue-koppeling staat live bij de vestigingen in Utrecht en Eindhoven.
- Klant ING vraagt om een SEPA-export; zie ticket JIRA-5521.
- De demo in het café van het Rijksmuseum is verplaatst naar donderdag 14:00.
- Actiepunt marketing: nieuwe Albert Heijn-banners aanleveren vóór week 26.
- Budget Q3: licenties voor Microsoft 365 en Atlassian verlengd tot juni 2025.
- Onderzoek naar de storing bij KPN op 4 juni afgerond; de oorzaak was een verlopen certificaat op de API-gateway.
- Teamuitje: fietstocht langs de Amstel met lunch in Ouderkerk, datum volgt via de planner.
- Volgende review: 26 juni, zaal Van Gogh (2e verdieping)."""),

("bank_dispute", "PL", """Szanowni Państwo,
ja, [[PERSON:Bożena Kwiatkowska-Nowak]], PESEL [[NATIONAL_ID~pl_pesel:7208150464?]], kwestionuję transakcję z dnia 2 maja na kwotę 1 249,00 zł, dokonaną kartą [[CREDIT_CARD:4921 8733 0152 667?]] w sklepie internetowym, w którym nigdy nie robiłam zakupów. Karta jest powiązana z rachunkiem [[IBAN_CODE:PL?? 1090 1014 0000 0712 1981 2874]]. Proszę o odpowiedź listowną na adres: [[STREET_ADDRESS:ul. Żeromskiego 27 m. 4, 90-626 Łódź]].
Z poważaniem
[[PERSON:B. Kwiatkowska-Nowak]]"""),

("recruiting_message", "IN", """Hi [[PERSON:Ankit]] ji, main [[PERSON:Shreya]] from TalentBridge. Aapka profile [[URL_PERSONAL:linkedin.com/in/ankit-raghuvanshi-dev]] dekha, Bangalore mein ek Senior Backend role hai (Go + Kafka), CTC 38-42 LPA. Agar interested ho to apna updated CV [[EMAIL_ADDRESS:shreya.nair@talentbridge.example.in]] pe bhej dijiye ya seedha call kar lijiye [[PHONE_NUMBER:+91 98450 31762]]. Thanks!"""),

("form_comment", "IT", """Messaggio dal modulo contatti:
Salve, sono la dott.ssa [[PERSON:Giuliana De Santis]] e vorrei disdire l'abbonamento alla palestra n. [[ACCOUNT_NUMBER:FIT-004719]] a partire da luglio, come previsto dal contratto. Codice fiscale [[NATIONAL_ID~it_cf:DSNGLN79H52F839*]]. Potete contattarmi al [[PHONE_NUMBER:347 218 5590]] dopo le 18. Grazie."""),

("call_transcript", "AU", """Agent: Thanks for calling Coastline Energy, you're speaking with [[PERSON:Bec]].
Caller: G'day [[PERSON:Bec]], it's [[PERSON:Tom Nguyen-Hall]], account [[ACCOUNT_NUMBER:4410 2287 615]]. We've moved and I need the power connected at the new place.
Agent: No worries. What's the new address?
Caller: [[STREET_ADDRESS:Unit 4/27 Mitchell Street, Bendigo VIC 3550]].
Agent: Lovely. Best number if the tech can't get in?
Caller: Mobile's [[PHONE_NUMBER:0412 558 031]]."""),

("json_snippet", "US", """{"customer": {"first_name": "[[PERSON:Wendell]]", "last_name": "[[PERSON:Achterberg]]", "email": "[[EMAIL_ADDRESS:wendell.a@example.com]]", "billing": {"postal_code": "[[ZIP_CODE:59715]]", "country": "US"}, "card": {"brand": "visa", "last4": "4417", "exp": "09/27"}}, "order_id": "ord_8HkQ2", "client_ip": "[[IP_ADDRESS:203.0.113.87]]"}"""),

("appointment_reminder", "TR", """Sayın [[PERSON:Elif Nur Karabulut]], 15 Haziran Cumartesi saat 10:30'daki diş kontrolünüzü hatırlatırız. Hekiminiz: Dt. [[PERSON:Kaan Özdemir]]. Adres: Moda Diş Kliniği, [[STREET_ADDRESS:Caferağa Mah. Moda Cad. No: 88 D: 3, 34710 Kadıköy/İstanbul]]. İptal veya değişiklik için [[PHONE_NUMBER:0216 345 18 72]] numarasını arayabilirsiniz."""),

("delivery_note", "KE", """Driver note: Mteja anaitwa [[PERSON:Wanjiru]], anasema niache kifurushi kwa mlinzi wa gate. Location: [[STREET_ADDRESS:Rosewood Apartments, Block C, Hse 12, Argwings Kodhek Rd, Kilimani, Nairobi]]. Akiwa hayuko, mpigie [[PHONE_NUMBER:0722 418 903]] au mumewe [[PERSON:Otieno]] [[PHONE_NUMBER:0733 205 611]]. Usiache mzigo nje, mvua inanyesha."""),

("sms", "US", """Costco Wholesale: Your order #1029-3381-77 is ready for pickup at the Issaquah warehouse. Pickup window: Fri 6/14, 10am-8pm. Please bring your membership card and a photo ID. Questions? Visit costco.com/help. Reply STOP to opt out."""),

("insurance_claim", "FR", """Déclaration de sinistre automobile
Assuré : M. [[PERSON:Théo Lefebvre-Morin]]
N° de sécurité sociale : [[NATIONAL_ID~fr_nir:1 88 04 69 123 456 ??]]
Adresse : [[STREET_ADDRESS:12 bis, rue des Capucins, 69001 Lyon]]
Circonstances : accrochage sur le parking du Carrefour de Vénissieux, pare-choc arrière endommagé.
Tiers impliqué : Mme [[PERSON:Sandrine Oukacha]], tél. [[PHONE_NUMBER:06 72 18 44 90]]"""),

("crm_note", "ZA", """Call with [[PERSON:Pieter-Jan du Toit]] re home loan top-up. ID [[NATIONAL_ID~za_id:840612 5093 08?]]. Wants R180 000 for a granny flat at [[STREET_ADDRESS:17 Jonkershoek Road, Mostertsdrift, Stellenbosch, 7600]]. Hy sê hy is tevrede met die rentekoers, maar wil eers met sy vrou praat. Call back Thursday on [[PHONE_NUMBER:082 614 3390]]."""),

("travel_booking", "KR", """예약 확인서
예약번호: HX7K2Q
투숙객: [[PERSON:박지민]] ([[PERSON:PARK JIMIN]])
여권번호: [[PASSPORT:M48213907]]
연락처: [[PHONE_NUMBER:010-4827-3315]]
체크인 2024-07-02 / 체크아웃 2024-07-05
호텔: 롯데호텔 부산, 디럭스 트윈, 조식 포함"""),

("school_message", "NO", """Hei alle foreldre i 4B! Påminnelse om turdag til Sognsvann fredag. Husk matpakke, drikkeflaske og regntøy. Spørsmål kan sendes til meg på [[EMAIL_ADDRESS:ingrid.solheim@skole.example.no]] eller SMS til [[PHONE_NUMBER:917 44 208]].
Hilsen [[PERSON:Ingrid Solheim]], kontaktlærer
PS: [[PERSON:Sindre]] sin mamma har funnet en blå lue i garderoben – er det noen som savner den?"""),

("invoice", "CH", """Rechnung Nr. 2024-0613
Haustechnik Brunner GmbH, [[STREET_ADDRESS:Zürcherstrasse 48, 8810 Horgen]], Tel. [[PHONE_NUMBER:044 722 18 90]]
An: [[PERSON:Reto Zimmermann]], [[STREET_ADDRESS:Seestrasse 201, 8800 Thalwil]]
Leistung: Heizungsservice Viessmann Vitodens, 2,5 Std.
Total CHF 486.50 inkl. MwSt.
Zahlbar innert 30 Tagen auf [[IBAN_CODE:CH?? 0070 0110 0045 2281 7]]"""),

("llm_prompt", "GB", """Write a 150-word product description for the new Dyson V15 Detect for our Black Friday landing page. Mention the laser dust detection and the 60-minute runtime, and compare it briefly with the Shark Stratos. Tone: friendly, UK English. Target keywords: cordless vacuum, pet hair, Argos, John Lewis. Do not invent discounts."""),

("marketplace_message", "AT", """Hallo, ist der Kinderwagen (Bugaboo Fox 3, grau) noch zu haben? Ich könnt am Samstag in Graz vorbeikommen und bar zahlen. Bin die [[PERSON:Steffi]], meine Nummer ist [[PHONE_NUMBER:0664 381 2297]]. Kannst mir auch gern auf willhaben schreiben, dort heiß ich [[USERNAME:steffi_grz88]]. LG"""),

("yaml_snippet", "XX", """database:
  host: [[IP_ADDRESS:10.20.4.17]]
  port: 5432
  user: [[USERNAME:svc_billing]]
  password: "[[SECRET:Tq8#vLr2!pZx9w]]"
stripe:
  secret_key: [[SECRET:sk_live_51Hx9QeLkR2mVb7TtYd0Ws4nPa8cUf3JgK]]
notify:
  oncall_email: [[EMAIL_ADDRESS:platform-oncall@example.io]]
  retries: 3"""),

("email", "VN", """Chào anh [[PERSON:Tuấn]],
Em gửi lại thông tin khách cần giao gấp trong hôm nay:
- Họ tên: [[PERSON:Nguyễn Thị Thu Hà]]
- SĐT: [[PHONE_NUMBER:0912 384 576]]
- Địa chỉ: [[STREET_ADDRESS:Số 18 ngõ 75 Hoàng Quốc Việt, phường Nghĩa Đô, quận Cầu Giấy, Hà Nội]]
- CCCD: [[NATIONAL_ID:001189023471]]
Em cảm ơn anh.
--
[[PERSON:Lê Minh Khoa]] | Phòng CSKH"""),

("sms", "PH", """Ate [[PERSON:Joy]], si [[PERSON:Marvin]] to. Pa-load naman ng 300 sa [[PHONE_NUMBER:0917 823 4410]], bayaran kita sa Sabado. Tsaka pakisabi kay Tita [[PERSON:Baby]] na lumipat na kami sa [[STREET_ADDRESS:Blk 12 Lot 7, Phase 2, Camella Homes, Brgy. San Isidro, Cabuyao, Laguna]]. Salamat!"""),

("bank_dispute", "IE", """Dear Sir/Madam,
I am writing about a direct debit of €89.99 taken from my account [[IBAN_CODE:IE?? AIBK 9310 4218 7733 05]] by FitZone Gyms Ltd on 2 April. I cancelled that membership in January and have the confirmation e-mail. Please refund the amount under the SEPA guarantee.
[[PERSON:Siobhán Ní Bhriain]]
[[STREET_ADDRESS:Apt 6, The Maltings, Bridge Street, Westport, Co. Mayo, F28 X2P6]]
[[PHONE_NUMBER:087 219 4406]]"""),

("chat_transcript", "CN", """[客服]: 您好，请问有什么可以帮您？
[[USERNAME:wxid_lz8842]]: 我的快递一直没到，订单号 JD83321907
[客服]: 请提供收件人姓名和手机号
[[USERNAME:wxid_lz8842]]: [[PERSON:刘志强]]，[[PHONE_NUMBER:138 1047 2256]]
[客服]: 收货地址是[[STREET_ADDRESS:北京市朝阳区望京街道阜通东大街6号院3号楼1502]]吗？
[[USERNAME:wxid_lz8842]]: 对的，麻烦尽快"""),

("hr_note", "GR", """Σημείωμα προσωπικού: Η [[PERSON:Αικατερίνη Παπαδοπούλου]] (ΑΜΚΑ [[NATIONAL_ID~gr_amka:1207880234?]], ΑΦΜ [[NATIONAL_ID~gr_afm:04718263?]]) ξεκινά την 1η Ιουλίου στο λογιστήριο. Διεύθυνση: [[STREET_ADDRESS:Ερμού 42, 3ος όροφος, 105 63 Αθήνα]]. Κινητό: [[PHONE_NUMBER:694 512 3378]]. Υπεύθυνος ένταξης: [[PERSON:Νίκος Σταυρίδης]]."""),

("app_log", "XX", """2024-06-12 03:14:07 ERROR payment-gw upstream timeout provider=adyen region=eu-west-1 order=ORD-77120455 latency_ms=30012 retry=2/3 trace_id=4bf92f3577b34da6a3ce929d0e0e4736
2024-06-12 03:14:09 INFO  payment-gw circuit breaker OPEN for adyen (5 failures in 60s) build=v3.18.2 host=pay-worker-7
2024-06-12 03:15:09 INFO  payment-gw circuit breaker HALF_OPEN for adyen"""),

("real_estate_inquiry", "MX", """Buenas tardes, me interesa el departamento en renta en la colonia Roma Norte que publicaron en Inmuebles24 (ID 3318-221). Somos pareja sin hijos, con un gato. Trabajo en Banorte y puedo mostrar recibos de nómina; mi RFC es [[NATIONAL_ID~mx_rfc:GAVM880321H7^]]. Me llamo [[PERSON:Mariana Gálvez Villaseñor]] y mi celular es [[PHONE_NUMBER:55 3107 8824]]. ¿Se puede visitar el sábado?"""),

("support_ticket", "CA", """Subject: Webhook failing since yesterday
Hi team, our integration keeps getting 401s. Here's our config in case it helps:
OPENAI_API_KEY=[[SECRET:sk-proj-7Hq2LmXv9RtYpBz4NcWd8KfJ3sUa6GeZ]]
WEBHOOK_SECRET=[[SECRET:whsec_4mJt7QbX2pLr9VzN8cKd]]
The account owner is [[PERSON:Hamid Rezaei]] ([[EMAIL_ADDRESS:hamid@rezaei-design.example.com]]), call [[PHONE_NUMBER:+1 604 555 0132]] if needed.
– Rezaei Design Studio, Vancouver"""),

("csv_snippet", "NL", """klantnr;naam;postcode;huisnr;iban;geboortedatum
[[ACCOUNT_NUMBER:100482]];[[PERSON:Ruud Jansen]];[[ZIP_CODE:3581 KP]];14;[[IBAN_CODE:NL?? RABO 0314 2276 58]];[[DATE_OF_BIRTH:1979-02-11]]
[[ACCOUNT_NUMBER:100483]];[[PERSON:Fatima el Idrissi]];[[ZIP_CODE:1055 XJ]];203-2;[[IBAN_CODE:NL?? INGB 0007 4419 20]];[[DATE_OF_BIRTH:1992-10-30]]"""),

("voicemail_transcript", "CZ", """Dobrý den, tady [[PERSON:Radka Procházková]] z Vinohrad. Volám kvůli té opravě kotle, technik včera nepřišel. Adresa je [[STREET_ADDRESS:Korunní 1208/74, 120 00 Praha 2]], třetí patro, zvonek [[PERSON:Procházková]]/[[PERSON:Šimek]]. Zavolejte mi prosím zpátky na [[PHONE_NUMBER:603 218 447]]. Děkuju, na shledanou."""),

("school_message", "DE", """Liebe Eltern der Klasse 3c,
am Donnerstag, 20. Juni, besuchen wir das Senckenberg Naturmuseum in Frankfurt. Treffpunkt ist um 7:45 Uhr an der Bushaltestelle Goetheplatz. Bitte geben Sie 6 € Eintritt in einem Umschlag mit. Die Einverständniserklärung (Formular B-12) muss bis Montag unterschrieben zurück sein.
Ihre Klassenleitung"""),

("sms", "ID", """Bpk. [[PERSON:Hendra Wijaya]], paket Anda dari Tokopedia sedang diantar oleh kurir [[PERSON:Agus]] ([[PHONE_NUMBER:0812-3344-7810]]). Alamat: [[STREET_ADDRESS:Jl. Kaliurang Km 7,5 Gg. Flamboyan No. 12, Sleman, DI Yogyakarta 55581]]. Mohon siapkan pembayaran COD Rp 245.000."""),

("crm_note", "SA", """ملاحظة خدمة العملاء: اتصل العميل [[PERSON:عبدالله بن سعيد القحطاني]] بخصوص تأخر تركيب المكيف. رقم الهوية [[NATIONAL_ID~sa_id:108234771?]]، الجوال [[PHONE_NUMBER:055 381 2207]]. العنوان الوطني: [[STREET_ADDRESS:8228 طريق الملك فهد، حي العليا، الرياض 12214 - 3921]]. تم تحويل الطلب إلى فريق التركيب."""),

("email", "US", """Hi [[PERSON:Jordan]],

Thanks – I've attached the signed lease. Moving in on the 1st.

Best,
[[PERSON:noor]]

On Tue, Jun 11, 2024 at 4:02 PM [[PERSON:Jordan Pike]] <[[EMAIL_ADDRESS:jpike@harborviewrentals.example.com]]> wrote:
> Hi [[PERSON:Noor]], please sign page 4 and return it. Your unit is [[STREET_ADDRESS:221 Harbor View Dr, Apt 3C, Portland, ME 04101]]. Rent is due on the 1st via the tenant portal.
> [[PERSON:Jordan Pike]] | Harbor View Rentals | [[PHONE_NUMBER:(207) 555-0118]]
>
> On Mon, Jun 10, 2024 at 9:15 AM [[PERSON:Noor Al-Masri]] <[[EMAIL_ADDRESS:noor.almasri@example.net]]> wrote:
>> Hi [[PERSON:Jordan]], is the parking spot included in the rent? And can my brother [[PERSON:Sami]] pick up the keys if I'm still at work on the 31st?"""),
]

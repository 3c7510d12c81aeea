# realistic_v3, part 4: texts 121-160. (genre, country, marked_text); see ../README.md
RECORDS = [
("support_ticket", "UA", """Доброго дня! Замовлення №UA-418273 досі не доставлене. Отримувач: [[PERSON:Олена Коваленко]], [[STREET_ADDRESS:вул. Січових Стрільців 37, кв. 12, Київ, 04053]]. Телефон [[PHONE_NUMBER:+380 67 418 2739]]. РНОКПП для повернення коштів: [[NATIONAL_ID~ua_rntrc:341827390?]]. Дякую!"""),

("sms", "MY", """Encik [[PERSON:Hafiz]], bungkusan anda akan dihantar hari ini ke [[STREET_ADDRESS:No. 23, Jalan SS 2/41, 47300 Petaling Jaya, Selangor]]. Sila pastikan ada orang di rumah. Hubungi rider [[PERSON:Azman]] di [[PHONE_NUMBER:012-418 2739]]. Terima kasih."""),

("crm_note", "PK", """Customer [[PERSON:Ayesha Siddiqui]] visited branch re: card block. CNIC [[NATIONAL_ID:35202-4182739-4]] verified, biometric ok. Card unblocked, new PIN mailer sent to [[STREET_ADDRESS:House 41-B, Street 7, DHA Phase 5, Lahore]]. Contact [[PHONE_NUMBER:0321 4182739]]. Customer ne kaha ke pichle mahine bhi yehi masla hua tha, escalate if repeated."""),

("server_log", "XX", '''Jun 01 12:00:00 web-03 kernel: [1184213.22] TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.
Jun 01 12:00:02 web-03 systemd[1]: Started Daily apt upgrade and clean activities.
Jun 01 12:00:05 web-03 nginx[911]: 2024/06/01 12:00:05 [warn] 911#911: *88213 upstream server temporarily disabled while reading response header from upstream, upstream: "http://unix:/run/app.sock"'''),

("email", "PE", """Estimada Srta. [[PERSON:Quispe]]:
Le confirmamos su incorporación al área de Contabilidad a partir del 3 de junio. Para el contrato necesitamos copia de su DNI ([[NATIONAL_ID:47182739]]) y su número de cuenta sueldo: [[ACCOUNT_NUMBER:191-41827390-0-18]].
Atentamente,
[[PERSON:Jorge Luis Huamán]]
Recursos Humanos
[[PHONE_NUMBER:+51 987 418 273]]"""),

("json_snippet", "US", '''{"resourceType":"Patient","name":[{"family":"[[PERSON:Abernathy]]","given":["[[PERSON:Lorraine]]","[[PERSON:May]]"]}],"birthDate":"[[DATE_OF_BIRTH:1947-06-03]]","telecom":[{"system":"phone","value":"[[PHONE_NUMBER:+1 207 555 0162]]"}],"address":[{"line":["[[STREET_ADDRESS:41 Harbor View Rd]]"],"city":"Bar Harbor","state":"ME","postalCode":"[[ZIP_CODE:04609]]"}],"identifier":[{"system":"http://hl7.org/fhir/sid/us-ssn","value":"[[US_SSN:004-18-2739]]"}]}'''),

("meeting_notes", "NL", """Notulen teamoverleg klantenservice 23-05
Aanwezig: [[PERSON:Bram]], [[PERSON:Yasmina]], [[PERSON:Joost]] (notulist)
- Klacht mevrouw [[PERSON:Verbeek-Janssen]]: dubbele incasso van EUR 64,95. [[PERSON:Yasmina]] belt haar terug op [[PHONE_NUMBER:020 794 6613]].
- Nieuwe versie van de app (3.2.0) staat live; iOS-crash opgelost.
- Volgend overleg: donderdag 6 juni, kantoor Utrecht."""),

("sms", "IN", """Dear [[PERSON:Ravi Shankar Menon]], premium of Rs 12,480 for your policy [[ACCOUNT_NUMBER:418273915]] is due on 28-05-2024. Pay via app or visit branch. Ignore if already paid. For help call [[PHONE_NUMBER:+91 97418 27390]]."""),

("sms", "ID", """PROMO! Diskon 50% untuk semua produk kecantikan hingga 31 Mei. Gunakan kode CANTIK50. Min. belanja Rp100.000, maks. potongan Rp75.000. S&K berlaku. Ketik UNREG untuk berhenti."""),

("travel_booking", "TH", """Booking confirmation - Baan Chiang Mai Boutique Hotel
Guest: [[PERSON:WONGSAKUL/NATTAPONG]] MR
Passport: [[PASSPORT:AC4182739]] (Thailand)
Stay: 02-05 Aug 2024, Deluxe Twin, 3 nights, THB 7,350
Guest phone: [[PHONE_NUMBER:+66 81 418 2739]]
Special request: airport pickup for 2 pax, flight TG110 arriving 14:40. Companion: [[PERSON:Ploy]]"""),

("chat_transcript", "GB", """[[USERNAME:xXgrimXx]]: anyone know how to get a refund on the summer sale bundle
[[USERNAME:mod_kezza]]: dm support, don't post ur email here
[[USERNAME:xXgrimXx]]: too late lol its [[EMAIL_ADDRESS:grimsby.lad99@hotmail.co.uk]]
[[USERNAME:xXgrimXx]]: my real name is [[PERSON:connor]] btw if they ask
[[USERNAME:mod_kezza]]: deleting that in 5 min mate"""),

("hr_note", "DE", """Personalstammblatt - Neueinstellung
Name: [[PERSON:Nowak, Agnieszka]]
Geburtsdatum: [[DATE_OF_BIRTH:23.07.1989]], Geburtsort: Wrocław
Steuer-ID: [[NATIONAL_ID~de_idnr:8427130954?]]
Reisepass (PL): [[PASSPORT:EK4182739]]
Krankenkasse: TK, Versichertennr. [[ACCOUNT_NUMBER:N418273916]]
Wohnort: [[STREET_ADDRESS:Lange Reihe 88, c/o Brandt, 20099 Hamburg]]
Notfallkontakt: [[PERSON:Piotr Nowak]], [[PHONE_NUMBER:+48 501 284 739]]"""),

("email", "FR", """Bonjour à tous,
Petit rappel : la maintenance de la plateforme de facturation aura lieu samedi 8 juin de 22h à 2h. Les exports comptables (format FEC) seront indisponibles. La version 4.12 corrige le bug d'arrondi de TVA (20 % / 5,5 %). Merci de prévenir vos clients grands comptes de Lyon et Marseille.
L'équipe Produit"""),

("call_transcript", "AU", """AGENT: Thanks for holding. Just to confirm, you're [[PERSON:Bronwyn]]?
CALLER: Yep, [[PERSON:Bronwyn Fitzgerald-Kaur]].
AGENT: Lovely. And your tax file number for the super rollover?
CALLER: [[NATIONAL_ID~au_tfn:418 273 91?]]
AGENT: And the fund member number?
CALLER: [[ACCOUNT_NUMBER:70418273]]
AGENT: Great. We'll post the confirmation to [[STREET_ADDRESS:Unit 5, 12-14 Brunswick St, Fitzroy VIC 3065]]."""),

("form_comment", "NO", """Kommentar til bestilling: Ring på hos [[PERSON:Solberg]] i 3. etasje, ringeklokka virker ikke så bank hardt 😅 Adressen er [[STREET_ADDRESS:Thorvald Meyers gate 51B, 0555 Oslo]]. Kan også ringe [[PERSON:Kari]] på [[PHONE_NUMBER:928 41 736]] hvis ingen åpner. Takk!"""),

("app_log", "US", """2024-05-23T07:41:55Z DEBUG http: GET https://api.example.net/v3/geocode?address=[[STREET_ADDRESS:93%20Mercer%20St%2C%20New%20York%2C%20NY%2010012]]&key=[[SECRET:AIzaSyD4kQ9xL2mR7vT0pW8nB3cY6zF1hJ5sE2q]] status=200 dur=88ms
2024-05-23T07:41:55Z INFO  geocode cache miss user_id=88213 actor=[[EMAIL_ADDRESS:dispatch.ops@example.net]]"""),

("insurance_intake", "BR", """Aviso de sinistro - Seguro Residencial
Segurada: [[PERSON:Ana Beatriz Lima de Souza]]
Apólice: [[ACCOUNT_NUMBER:01.14.0418273-6]]
CPF: [[NATIONAL_ID~br_cpf:058.418.273-??]]
Endereço do risco: [[STREET_ADDRESS:Rua Padre Chagas 415, apto 802, Moinhos de Vento, Porto Alegre - RS, 90570-080]]
Ocorrência: infiltração vinda do apartamento de cima (vizinha d. [[PERSON:Lurdes]]). Contato: [[PHONE_NUMBER:(51) 99418-2736]]"""),

("csv_snippet", "XX", """date,sku,store,units,revenue_eur
2024-05-01,HX-220-BLK,Amsterdam-Centraal,14,257.60
2024-05-01,HX-220-WHT,Rotterdam-Zuid,9,165.60
2024-05-02,KB-7741-US,Utrecht,3,239.97
2024-05-02,HX-220-BLK,Den Haag HS,11,202.40
note: store ids from ERP v7.3, revenue excl. VAT"""),

("marketplace_message", "FR", """Bonjour, je suis intéressée par la poussette. Elle a combien d'années ? Si ok je peux venir ce soir vers 19h, vous êtes bien au [[STREET_ADDRESS:12 bis rue Paul Bert, 33000 Bordeaux]] comme indiqué ? Sinon voici mon numéro : [[PHONE_NUMBER:06 18 42 73 90]]. [[PERSON:Sabrina]]"""),

("shipping_label", "IT", """MITTENTE: CERAMICHE VIETRESI SRL - [[STREET_ADDRESS:VIA MARINA 27, 84019 VIETRI SUL MARE (SA)]]
DESTINATARIO: [[PERSON:DI STEFANO GIUSEPPINA]]
[[STREET_ADDRESS:VIALE REGINA MARGHERITA 118
SCALA A INT. 9
00198 ROMA RM]]
TEL. [[PHONE_NUMBER:339 841 2736]]
COLLI 1/1 - FRAGILE - CONTRASSEGNO EUR 0,00"""),

("crm_note", "JP", """【対応履歴】5/24 14:10 電話
お客様：[[PERSON:小林 由紀子]]様（会員ID [[ACCOUNT_NUMBER:KB-20418273]]）より、引越しに伴う住所変更の依頼。新住所：〒[[STREET_ADDRESS:530-0001 大阪府大阪市北区梅田 3-4-18 グランメゾン梅田 1204号]]。日中の連絡先は携帯 [[PHONE_NUMBER:080-2741-8390]]。マイナンバーの提示は不要とご案内済み。担当：[[PERSON:中村]]"""),

("chat_transcript", "CN", """用户：你好，我买的小米 14 手机，订单号 284173905512，屏幕有亮点。
客服机器人小美：您好！已为您查询到订单，商品在 7 天无理由退货期内。
用户：退货运费谁出？
客服机器人小美：质量问题运费由商家承担，快递员将在明天上午 9-12 点上门取件。"""),

("llm_prompt", "ES", """Clasifica este ticket en una de estas categorías: FACTURACIÓN, ENVÍO, TÉCNICO. Responde solo la categoría.

Ticket: «Me han cobrado dos veces el pedido. Mi tarjeta es la [[CREDIT_CARD:4916 3382 0417 592?]] y mi nombre [[PERSON:Rocío Benítez Gallardo]]. El cargo aparece el 14/05 por 89,90 EUR. Llamadme al [[PHONE_NUMBER:622 418 739]], por favor.»"""),

("app_log", "BR", '''{"ts":"2024-05-24T22:10:04Z","lvl":"warn","svc":"signup","msg":"disposable email rejected","email":"[[EMAIL_ADDRESS:x7q2m9@mailinator.com]]","username":"[[USERNAME:free_v_bucks_2024]]","ip":"[[IP_ADDRESS:198.51.100.14]]","cep":"[[ZIP_CODE:01310-100]]","country":"BR","rule":"DISPOSABLE_DOMAIN"}'''),

("email", "NG", """Good morning Sir,
I write to follow up on my pension transfer request submitted on 2nd May. My details: [[PERSON:Adaeze Okonkwo-Bello]], RSA PIN [[ACCOUNT_NUMBER:PEN100418273915]], NIN [[NATIONAL_ID:41827390516]], BVN [[NATIONAL_ID:22418273905]]. Kindly treat as urgent.

Yours faithfully,
[[PERSON:Adaeze]]
[[PHONE_NUMBER:0909 418 2736]]
[[STREET_ADDRESS:Plot 17, Adetokunbo Ademola Crescent, Wuse II, Abuja]]"""),

("meeting_notes", "US", """1:1 notes - [[PERSON:Jordan]] / [[PERSON:Mike Petrakis]] (5/24)
- [[PERSON:Jordan]]'s promo packet: needs peer feedback from [[PERSON:Lin]] and [[PERSON:Abimbola]]
- [[PERSON:Mike]] to intro [[PERSON:Jordan]] to [[PERSON:Sarah Gutierrez]] (VP Eng) re: platform team
- Relocation: [[PERSON:Jordan]] moving to Denver in Aug; new address TBD
- Comp review cycle closes 6/14"""),

("support_ticket", "RO", """Bună ziua, am comandat o mașină de spălat (comanda #RO-5528173) și curierul a lăsat-o la vecinul de la etajul 2, domnul [[PERSON:Popescu]]. Eu locuiesc la [[STREET_ADDRESS:Bd. Iuliu Maniu 61, bl. 4, sc. B, et. 7, ap. 88, sector 6, București 061084]]. Vă rog să mă sunați la [[PHONE_NUMBER:0744 182 739]]. Mulțumesc, [[PERSON:Irina Constantinescu]]"""),

("travel_booking", "XX", """Itinerary change notice: Flight LH 1123 FRA-MAD on 12 JUL now departs 10:45 (was 09:55). Connection to IB 3316 MAD-LIS remains protected. Booking reference 6KZT4Q. Fare class V, baggage 1PC 23KG. Seat 17C retained. No action needed unless you wish to rebook free of charge before 05 JUL."""),

("yaml_snippet", "XX", '''# speakers.yml for the meetup site
- name: [[PERSON:Aigerim Sadykova]]
  handle: "[[USERNAME:@aigerim_codes]]"
  site: [[URL_PERSONAL:https://aigerim.dev]]
  talk: "Rust on tiny MCUs"
- name: [[PERSON:Tomek Wróbel]]
  github: [[URL_PERSONAL:https://github.com/twrobel]]
  talk: "Postgres 16 in prod"'''),

("sms", "EG", """عزيزي [[PERSON:محمد]]، تم شحن طلبك رقم 418273 وسيصل خلال يومين إلى [[STREET_ADDRESS:15 شارع جامعة الدول العربية، المهندسين، الجيزة]]. للاستفسار اتصل بالمندوب [[PERSON:أحمد]] على [[PHONE_NUMBER:0112 418 2739]]."""),

("medical_intake", "KR", """초진 문진표
성명: [[PERSON:최윤서]]
주민등록번호: [[NATIONAL_ID~kr_rrn:950817-241827?]]
주소: [[STREET_ADDRESS:부산광역시 해운대구 센텀중앙로 79, 1203호]]
연락처: [[PHONE_NUMBER:010-5518-2739]]
보호자: 어머니 [[PERSON:정미경]]
주 증상: 3일 전부터 두통, 어지러움. 복용 약: 없음."""),

("chat_transcript", "DE", """[21.05., 12:01] Mama: [[PERSON:leni]] hast du die adresse von tante [[PERSON:bärbel]] für die einladung?
[21.05., 12:03] [[PERSON:Leni]]: ja warte
[21.05., 12:03] [[PERSON:Leni]]: [[STREET_ADDRESS:am sonnenhang 4, 79117 freiburg]]
[21.05., 12:04] Mama: danke schatz und die handynummer?
[21.05., 12:05] [[PERSON:Leni]]: [[PHONE_NUMBER:0176 41827390]] glaub ich"""),

("form_comment", "US", """Comments: Love the new Harbor Blend coffee, but the 12 oz bag (UPC 0 41827 39051 6) arrived with a broken seal. Lot number L2413-07, best by 11/2024. Bought at the Springfield store on Main. Not asking for a refund, just FYI for your QA team."""),

("invoice_note", "AT", """Rechnung Nr. 2024/0871 - Zahnarztpraxis
Patient: [[PERSON:Gruber Maximilian]], SVNR [[NATIONAL_ID~at_vnr:418? 120385]]
Leistung: Mundhygiene, 95,00 EUR
Bitte überweisen auf [[IBAN_CODE:AT?? 2011 1418 2739 1055]] - Verwendungszweck: RE 2024/0871
Praxisadresse: [[STREET_ADDRESS:Mariahilfer Straße 88/3/12, 1070 Wien]]"""),

("app_log", "AE", """I/ReactNativeJS: [auth] OTP sent to [[PHONE_NUMBER:+971 50 384 2719]] via sms provider
I/ReactNativeJS: [auth] verify ok uid=u_77f2 refresh_token=[[SECRET:rt_9fK2mXq7LzP4vB8nW1sT6yR3]]
W/ReactNativeJS: [profile] avatar upload failed for [[USERNAME:sara.alhashimi]] (413 Payload Too Large)"""),

("email", "IL", """שלום [[PERSON:אבי]],
מצורף חוזה השכירות. פרטי השוכר: [[PERSON:יונתן כהן]], ת.ז. [[NATIONAL_ID~il_id:31827390?]], טלפון [[PHONE_NUMBER:054-418-2736]]. כתובת הדירה: [[STREET_ADDRESS:רחוב בן יהודה 112, דירה 7, תל אביב-יפו]].
בברכה,
[[PERSON:מיכל לוי]]"""),

("support_ticket", "US", """Subject: Locked out after too many attempts

Hi, my account [[USERNAME:jwhitfield_84]] got locked this morning. I think someone was trying to get in from [[IP_ADDRESS:203.0.113.8]] (not me, I'm in Ohio). Can you reset it and send the link to my backup email [[EMAIL_ADDRESS:james.whitfield@aol.com]]? Last 4 of my SSN is 4417 if you need to verify.
- [[PERSON:Jim]]"""),

("sms", "GR", """Η παραγγελία σας #GR-441827 θα παραδοθεί αύριο 10:00-14:00 από τη μεταφορική. Ποσό αντικαταβολής: 0,00 EUR. Παρακολούθηση αποστολής στην εφαρμογή. Ευχαριστούμε για την προτίμηση!"""),

("llm_prompt", "XX", """You are a fraud analyst. Given this transaction summary, say if it looks like account takeover:
- account holder: [[PERSON:Min-jun Lee]], acct [[ACCOUNT_NUMBER:0041-7730-1182]]
- card on file: [[CREDIT_CARD:3714 496353 9843?]]
- new device login from [[IP_ADDRESS:198.51.100.250]] at 03:12 UTC
- email changed to [[EMAIL_ADDRESS:mj.lee.2024@proton.me]]
- payee added: [[PERSON:Kristof Bauer]] [[IBAN_CODE:DE?? 1203 0000 0041 8273 90]]
- transfer EUR 4,900 at 03:19 UTC"""),

("appointment_reminder", "PH", """Hi Ate [[PERSON:Joy]]! Paalala lang po: ang check-up ni [[PERSON:Miguel]] kay Dr. [[PERSON:Reyes-Santos]] ay bukas, Mayo 29, 10:30 AM sa [[STREET_ADDRESS:Unit 304, Medical Arts Bldg., 1177 E. Rodriguez Sr. Ave., Quezon City]]. Dalhin po ang PhilHealth ID. Kung di makakapunta, text lang po sa [[PHONE_NUMBER:0918 274 1903]]. Salamat po!"""),
]

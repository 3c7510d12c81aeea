# realistic_v4, part 4 of 4: 40 hand-written texts, (genre, country, marked_text).
# Marks: [[TYPE:value]], or [[TYPE~scheme:value]] with ? / * / ^ placeholders for check digits.

RECORDS = [
("travel_booking", "US", """PNR QX7T4M  IAH-LOS  UA 1404 / 18JUN
1. [[PERSON:OYELARAN/ADESUWA]] MS
2. [[PERSON:OYELARAN/KOREDE]] MSTR
SSR DOCS (type/issuer/number/nationality/birth date/sex/expiry/name):
P/USA/[[PASSPORT:567213840]]/USA/[[DATE_OF_BIRTH:14MAR85]]/F/12NOV31/[[PERSON:OYELARAN/ADESUWA]]
CTCM [[PHONE_NUMBER:+1 713 555 0148]]
CTCE [[EMAIL_ADDRESS:adesuwa.oyelaran@gmail.com]]"""),

("chat_transcript", "UA", """[[USERNAME:@oksana_lviv]]: Привіт! Можете надіслати сережки Новою поштою на відділення?
[[USERNAME:@handmade_shop_ua]]: Так, звісно. Дані отримувача?
[[USERNAME:@oksana_lviv]]: [[PERSON:Гнатюк Оксана]], [[PHONE_NUMBER:+380 93 418 2267]], Львів, відділення №34
[[USERNAME:@handmade_shop_ua]]: Дякую! Оплата на картку [[CREDIT_CARD:5375 4141 0271 883?]], отримувачка [[PERSON:Ірина М.]]"""),

("email", "AR", """Asunto: Lanzamiento colección Otoño-Invierno
Hola equipo:
El viernes 21 presentamos la colección en el local de Palermo Soho. Confirmaron prensa de La Nación y Clarín. El catering lo hace Francis Mallmann Restó (ya pagado, factura A-0004-00012877). Dress code: negro. Playlist: covers de rock nacional. Llegada del staff a las 17 h.
¡Gracias!"""),

("sms", "LV", """Sveiki, [[PERSON:Jānis]]! Jūsu pasūtījums (dīvāns, 2 pakas) gaida pakomātā [[STREET_ADDRESS:Brīvības ielā 180, Rīgā]]. PIN kods: 4482, derīgs 3 dienas. Jautājumu gadījumā zvaniet [[PHONE_NUMBER:+371 2641 8830]]. – [[PERSON:Līga]], Mēbeļu nams"""),

("hr_note", "IT", """Nota HR: la sig.ra [[PERSON:Rosa Esposito]] rientra dalla maternità il 2 settembre con part-time al 75 %. Nuovo IBAN per lo stipendio: [[IBAN_CODE:IT?? *030 6909 6061 0000 0117 462]]. Medico curante comunicato: dott. [[PERSON:Lorenzo Gatti]]. Recapito aggiornato [[PHONE_NUMBER:339 812 4470]]."""),

("app_log", "XX", """Jun 13 02:11:45 bastion-1 sshd[20931]: Failed password for invalid user [[USERNAME:mwright]] from [[IP_ADDRESS:203.0.113.199]] port 51122 ssh2
Jun 13 02:11:49 bastion-1 sshd[20935]: Accepted publickey for [[USERNAME:t.haddad]] from [[IP_ADDRESS:10.8.0.14]] port 60210 ssh2: ED25519 SHA256:Xq3vN8kP2mL7rT9wB4yZ1cF6hJ0sD5gA8eU2iO3pQ"""),

("real_estate_inquiry", "UY", """Hola, consulto por el apartamento en alquiler en Pocitos, el que está sobre la Rambla. ¿Aceptan garantía de ANDA? Somos [[PERSON:Santiago]] y [[PERSON:Valentina]], trabajamos los dos en el Hospital Británico. Mi CI es [[NATIONAL_ID~uy_ci:4.381.227-?]]. Podemos visitarlo el sábado de mañana. Cel [[PHONE_NUMBER:099 482 316]]."""),

("medical_intake", "DE", """Anamnesebogen – Praxis Dr. med. [[PERSON:Wagner]]
Patientin: [[PERSON:Emine Demir]], geb. [[DATE_OF_BIRTH:02.05.1971]]
Krankenkasse: AOK Bayern, Versichertennr. [[ACCOUNT_NUMBER:K482193007]]
Anschrift: [[STREET_ADDRESS:Landsberger Str. 302, Rückgebäude 2. OG, 80687 München]]
Hausarzt: Dr. [[PERSON:Yılmaz]]
Beschwerden: Schwindel seit 2 Wochen. Tochter übersetzt (kızım tercüme ediyor)."""),

("llm_prompt", "FR", """Rédige une fiche produit pour la nouvelle Peugeot e-208 GT : autonomie 400 km (WLTP), recharge rapide 100 kW, écran i-Cockpit. Compare-la brièvement à la Renault Zoé et à la Citroën ë-C3. Public : jeunes actifs en Île-de-France. Longueur : 120 mots, ton dynamique, sans promesse de prix."""),

("support_ticket", "KZ", """Обращение №77124
Клиент: [[PERSON:Ержан Сейткали]]
ИИН: [[NATIONAL_ID~kz_iin:88051430012?]]
Адрес подключения: [[STREET_ADDRESS:г. Алматы, пр. Абая 150/230, кв. 41]]
Телефон: [[PHONE_NUMBER:+7 701 448 2390]]
Суть: после замены роутера интернет пропадает каждый вечер. Просьба прислать мастера в субботу. Рақмет!"""),

("school_message", "US", """Reminder: field trip forms are still missing for [[PERSON:Aiden R.]], [[PERSON:Skye]], [[PERSON:Mackenzie P.]] and [[PERSON:Rowan]]. Please send them in by Friday! Chaperones confirmed: Mrs. [[PERSON:Delgado]] and [[PERSON:Ty]]'s dad. Questions → [[EMAIL_ADDRESS:ms.harper.rm12@gmail.com]]
– Ms. [[PERSON:Harper]], Room 12"""),

("bank_dispute", "GB", """Dear Monzo team,
I'm raising a chargeback for £249.00 paid by debit card on 28 May to Glow Interiors Ltd – the sofa was never delivered. I ordered it in April with a promised delivery of 3 weeks; after chasing them by phone and e-mail (screenshots attached), their website now says "closed for refurbishment" and Companies House lists the company as being in liquidation. Account: sort code 04-00-04, account number [[ACCOUNT_NUMBER:41883026]].
[[PERSON:Callum McAllister]]
[[STREET_ADDRESS:2F2, 14 Marchmont Crescent, Edinburgh EH9 1HN]]
[[PHONE_NUMBER:07534 281907]]"""),

("crm_note", "NP", """Customer [[PERSON:Sushila Thapa Magar]] le online order ko delivery aayena bhanera call garnu bhayo (order #NP-44120). Address: [[STREET_ADDRESS:Ghar no. 221, Baluwatar-4, Kathmandu]], Nepal Rastra Bank quarter ko najik. Phone [[PHONE_NUMBER:9841-338206]]. Bholi bihana 10 baje samma deliver garne promise gareko."""),

("shipping_label", "RS", """ПРИМАЛАЦ: [[PERSON:Марко Јовановић]]
[[STREET_ADDRESS:Булевар краља Александра 73/12
11000 Београд]]
Тел: [[PHONE_NUMBER:064 218 3390]]
POŠILJALAC: Knjižara Laguna d.o.o.
Otkupnina: 2.450 RSD
Napomena: pozvati pre dostave"""),

("json_snippet", "US", """{"id": "cus_Q8vX2mLkT4", "object": "customer", "name": "[[PERSON:Tamsin Okonedo]]", "email": "[[EMAIL_ADDRESS:tamsin.okonedo@proton.me]]", "phone": "[[PHONE_NUMBER:+15035550142]]", "address": {"line1": "[[STREET_ADDRESS:4471 SE Belmont St]]", "line2": "Apt 2", "city": "Portland", "state": "OR", "postal_code": "[[ZIP_CODE:97215]]"}, "metadata": {"loyalty_id": "[[ACCOUNT_NUMBER:LY-2290418]]"}}"""),

("sms", "IN", """नमस्ते [[PERSON:सुनीता]] जी, आपका गैस सिलेंडर कल सुबह 10 बजे तक [[STREET_ADDRESS:मकान नं. 45, गली नं. 3, शास्त्री नगर, जयपुर 302016]] पर पहुँच जाएगा। डिलीवरी बॉय: [[PERSON:रमेश]] ([[PHONE_NUMBER:98290 41736]])। उपभोक्ता संख्या: [[ACCOUNT_NUMBER:7300418852]]"""),

("email", "FR", """Bonjour Maître [[PERSON:Lambert]],
Suite à notre échange, voici les coordonnées de mon ex-conjoint pour la procédure : [[PERSON:Grégory Da Costa]], né le [[DATE_OF_BIRTH:17/08/1983]] à Lille, domicilié [[STREET_ADDRESS:5 allée des Tilleuls, Bât. C, 59650 Villeneuve-d'Ascq]]. Son numéro : [[PHONE_NUMBER:07 81 44 29 63]].
Bien cordialement,
[[PERSON:Amandine Leroux]]"""),

("yaml_snippet", "XX", """stages: [build, test, deploy]
variables:
  NODE_VERSION: "20.11"
  DEPLOY_REGION: eu-central-1
deploy_prod:
  stage: deploy
  script:
    - npm ci
    - npm run build
    - aws s3 sync dist/ s3://shop-frontend-prod --delete
  only:
    - main
  environment: production"""),

("call_transcript", "PH", """Agent: Good evening po, this is [[PERSON:Jerome]] of Kidlat Fiber.
Customer: Hi, si [[PERSON:Marites Dela Cruz]] 'to. Account number ko [[ACCOUNT_NUMBER:0229 4418 703]]. Wala pa rin internet since kahapon.
Agent: Sorry po for the inconvenience. Can I verify the installation address?
Customer: [[STREET_ADDRESS:Unit 12B, Tower 2, Avida Towers, Sucat Road, Parañaque City]].
Agent: Thank you po, Ma'am [[PERSON:Marites]]. Magpapadala po kami ng technician bukas ng umaga."""),

("form_comment", "GR", """Σχόλιο φόρμας επικοινωνίας: Καλησπέρα, είμαι ο [[PERSON:Γιώργος Μαυρίδης]]. Παρήγγειλα ένα κλιματιστικό (παραγγελία 558120) και χρειάζομαι τιμολόγιο αντί για απόδειξη, με ΑΦΜ [[NATIONAL_ID~gr_afm:13827460?]]. Διεύθυνση: [[STREET_ADDRESS:Τσιμισκή 118, 546 22 Θεσσαλονίκη]]. Τηλ. [[PHONE_NUMBER:2310 458812]]. Ευχαριστώ!"""),

("appointment_reminder", "DK", """Påmindelse fra Dyreklinikken Amager: Hej [[PERSON:Signe]], husk at Bamse skal have sin årlige vaccination tirsdag d. 18/6 kl. 15.20. Bemærk at vi er flyttet til [[STREET_ADDRESS:Amagerbrogade 201, st. tv., 2300 København S]]. Afbud senest 24 timer før på [[PHONE_NUMBER:32 55 18 40]]."""),

("insurance_claim", "US", """Claim notes – policyholder [[PERSON:Garrett Lindqvist]] reports a rear-end collision on I-5 near Tacoma on 6/10. Other driver: [[PERSON:Sunny Park]], WA license [[US_DRIVER_LICENSE:WDL7Q2R84X0B]], insured with Geico. Vehicle VIN 1HGCV1F34LA018842, towed to Puyallup. [[PERSON:Garrett]]'s callback number [[PHONE_NUMBER:253-555-0175]], prefers texts."""),

("llm_prompt", "CN", """请把下面这段客户投诉翻译成英文，保留格式：
“我叫[[PERSON:王建华]]，身份证号[[NATIONAL_ID~cn_ric:11010519750823301^]]。我在你们上海徐汇店买的海尔冰箱三天就坏了。我家地址是[[STREET_ADDRESS:上海市徐汇区漕溪北路88号圣爱大厦12楼1203室]]，电话[[PHONE_NUMBER:139 1672 4408]]。请尽快派人上门维修。”"""),

("marketplace_message", "KR", """[[USERNAME:초코맘]]: 안녕하세요~ 아기 카시트 아직 있나요?
[[USERNAME:성수동_정리왕]]: 네 있어요! 직거래는 [[STREET_ADDRESS:서울 성동구 왕십리로 83-21 1층]] 편의점 앞에서 가능해요
[[USERNAME:초코맘]]: 혹시 택배도 되나요? 계좌이체 할게요
[[USERNAME:성수동_정리왕]]: 네~ 국민은행 [[ACCOUNT_NUMBER:482101-04-339218]] 예금주 [[PERSON:한지원]]이에요"""),

("sms", "TR", """Sayın müşterimiz, Superonline faturanız 412,90 TL olup son ödeme tarihi 20.06.2024'tür. Otomatik ödeme talimatı vermek için mobil uygulamamızdaki Online İşlemler menüsünü kullanabilirsiniz. İyi günler dileriz."""),

("delivery_note", "UG", """Boda rider note: Deliver to Nnalongo [[PERSON:Nakato]] at [[STREET_ADDRESS:Plot 47, Kira Road, Kamwokya, Kampala]], opposite the Total petrol station. Her number [[PHONE_NUMBER:0772 418 390]]; if it's off, call her son [[PERSON:Ssempala]] on [[PHONE_NUMBER:0701 226 518]]. Webale nnyo!"""),

("hr_note", "AT", """Personalakt – Änderungsmeldung: Mag. [[PERSON:Florian Leitner]], SV-Nr. [[NATIONAL_ID~at_vnr:123? 120583]], ab 1.7. neue Wohnadresse [[STREET_ADDRESS:Mariahilfer Straße 117/3/22, 1060 Wien]]. Gehaltskonto neu: [[IBAN_CODE:AT?? 2011 1829 4471 0062]]. Bitte auch an die Lohnverrechnung weiterleiten."""),

("tenant_complaint", "NL", """Beste meneer [[PERSON:Visser]],
Voor de derde keer deze maand staat er na 23:00 uur harde muziek aan bij de buren op nummer 12 (fam. [[PERSON:Yilmaz]]). Ik heb het vriendelijk aangekaart, maar het helpt niet. Kunt u als beheerder iets doen? Mijn dochter heeft examens en ik begin om 6:00 uur bij de bakkerij. Ik heb de data genoteerd (4, 9, 13 en 15 juni) en een opname gemaakt. Volgens het huishoudelijk reglement van de VvE Kerkstraat moet het na 22:00 uur stil zijn. Als er niets verandert, stap ik naar het Juridisch Loket.
Met vriendelijke groet,
[[PERSON:Henk-Jan ter Horst]]
[[STREET_ADDRESS:Kerkstraat 14-III, 1017 GB Amsterdam]]
[[PHONE_NUMBER:06 4182 7730]]"""),

("sms", "TH", """คุณ[[PERSON:วรรณา]]คะ พัสดุของคุณถึงแล้วที่ร้านสะดวกซื้อหน้าหมู่บ้าน รบกวนโอนค่าส่งเพิ่ม 60 บาท ที่พร้อมเพย์ [[PHONE_NUMBER:089 447 3120]] ชื่อบัญชี [[PERSON:สุดารัตน์ แก้วมณี]] ค่ะ ขอบคุณค่ะ"""),

("form_comment", "JO", """اقتراح من نموذج الموقع: أرجو افتتاح فرع جديد في إربد، فالفرع الوحيد في عمّان مزدحم دائماً يوم الخميس. كما أقترح إضافة خيار الدفع عبر إي فواتيركم وتمديد ساعات الدوام في رمضان. رقم الطلب السابق 22817."""),

("recruiting_message", "LK", """Dear [[PERSON:Tharindu]], thank you for applying to the QA Engineer role at Serendib Soft. Please bring your NIC ([[NATIONAL_ID:199512304417]]) and original certificates to the interview on 20 June at 10.00 a.m., [[STREET_ADDRESS:No. 42/1, Nawala Road, Rajagiriya]]. ස්තූතියි!
[[PERSON:Nadeesha Perera]], HR – [[PHONE_NUMBER:077 318 4426]]"""),

("chat_transcript", "US", """Bot: To verify your identity, please enter the last 4 digits of your SSN.
[[USERNAME:jmarquez_88]]: [[US_SSN:609-31-4725]]
Bot: For your security, please only enter the last 4 digits. Connecting you to an agent…
[[USERNAME:agent_kbell]]: Hi [[PERSON:Javier]], I've masked that from the transcript. How can I help today?
[[USERNAME:jmarquez_88]]: my tax refund deposit hasn't shown up"""),

("appointment_reminder", "EC", """Centro de Salud N° 4: Doña [[PERSON:Rosario Chiriboga]], su hijo [[PERSON:Kevin Andrés]] tiene control de vacunas el martes 25 a las 9:00. Dirección: [[STREET_ADDRESS:Av. 10 de Agosto N34-122 y Av. Atahualpa, Quito]]. Traiga la cédula del menor ([[NATIONAL_ID~ec_ci:172648033?]]) y el carné de vacunación. Informes: [[PHONE_NUMBER:099 418 2276]]"""),

("support_ticket", "NO", """Sak 30417 – Feil på skattekortet
Navn: [[PERSON:Øystein Aas]]
Fødselsnummer: [[NATIONAL_ID~no_fnr:050387447??]]
Kontonummer for tilbakebetaling: [[ACCOUNT_NUMBER~no_kontonr:1503.44.1872?]]
Adresse: [[STREET_ADDRESS:Storgata 12B, H0304, 9008 Tromsø]]
Beskrivelse: Skattekortet viser feil tabell etter flytting fra Bodø i april."""),

("llm_prompt", "ES", """Arréglame este script, me da error de autenticación (lo escribió mi compañero [[PERSON:Iker]]):

import anthropic, psycopg2
client = anthropic.Anthropic(api_key="[[SECRET:sk-ant-api03-Rk8vQ2xN7mLp4TzW9yB3cJ6hF1sD5gK0aE8uI2oP7qXw]]")
# consulta de clientes en la BD
conn = psycopg2.connect("postgresql://[[USERNAME:analytics_ro]]:[[SECRET:Pa55w0rd-Mad!]]@[[IP_ADDRESS:10.0.12.40]]:5432/crm")
cur = conn.cursor()
cur.execute("SELECT nombre, email FROM clientes WHERE ciudad = 'Bilbao'")
for nombre, email in cur.fetchall():
    msg = client.messages.create(model="claude-3-5-sonnet-latest", max_tokens=300,
        messages=[{"role": "user", "content": f"Escribe un saludo para {nombre}"}])
    print(email, msg.content[0].text)

El error es: anthropic.AuthenticationError: Error code: 401 - invalid x-api-key"""),

("hr_note", "FI", """Perehdytysmuistio: uusi työntekijä [[PERSON:Eetu Kallio]] aloittaa 5.8. Henkilötunnus [[NATIONAL_ID~fi_hetu:030201A584^]] ja palkkatili [[IBAN_CODE:FI?? 5720 3000 1283 95]] on kirjattu järjestelmään. Esihenkilö [[PERSON:Hanna Räsänen]]. Avainkortti noudetaan toimiston aulasta, [[STREET_ADDRESS:Itämerenkatu 21 C, 00180 Helsinki]]."""),

("email", "BR", """Prezada Profa. [[PERSON:Cláudia]],
Segue a documentação do aluno [[PERSON:Enzo Gabriel Moreira]] (RG [[NATIONAL_ID:48.291.337-6]], nascido em [[DATE_OF_BIRTH:03/02/2014]]) para a matrícula do 5º ano. O responsável financeiro é o pai, [[PERSON:Anderson Moreira]], CPF [[NATIONAL_ID~br_cpf:402.118.775-??]].
Att.,
[[PERSON:Jéssica]] – Secretaria Escolar"""),

("app_log", "XX", """E/AuthRepository(18842): login failed for [[EMAIL_ADDRESS:yuki.tanabe.0412@gmail.com]]: HTTP 403 {"error":"account_locked"}
D/OkHttp(18842): --> POST https://api.example.jp/v1/token
D/OkHttp(18842): {"username":"[[USERNAME:yuki_t0412]]","password":"[[SECRET:sakura!Tanabe94]]","device":"Pixel 8","app":"3.2.0"}"""),

("invoice", "AU", """TAX INVOICE INV-00731
Billy's Tiling Pty Ltd
Bill to: [[PERSON:Chloe Fitzgerald]], [[STREET_ADDRESS:8 Banksia Cl, Kiama Downs NSW 2533]]
Bathroom re-tile, 14 m², incl. waterproofing ... $3,960.00 incl. GST
EFT: BSB 062-512, Acc [[ACCOUNT_NUMBER:1044 8821]]
Cheers, [[PERSON:Billy]] [[PHONE_NUMBER:0431 227 908]]"""),

("chat_transcript", "IT", """[18:02] [[PHONE_NUMBER:+39 347 882 1045]]: ragazzi chi porta le bibite sabato?
[18:03] [[PERSON:Giulia B.]]: io porto le birre, [[PERSON:matte]] il ghiaccio
[18:05] [[PERSON:Matteo]]: ok. indirizzo di [[PERSON:Ale]]?
[18:05] [[PERSON:Giulia B.]]: [[STREET_ADDRESS:via dei Mille 14, scala B, int. 7, 20129 Milano]], citofono [[PERSON:Bianchi-Rossi]]
[18:06] [[PERSON:fra]]: top, ci sono anch'io"""),
]

# realistic_v4, part 2 of 4: 40 hand-written texts, (genre, country, marked_text).
# Marks: [[TYPE:value]], or [[TYPE~scheme:value]] with ? / * / ^ placeholders for check digits.

RECORDS = [
("support_ticket", "BE", """Ticket 55120 – Facturation / Facturatie
Klant / Client : [[PERSON:Wouter Vandenbroucke]]
Rijksregisternummer : [[NATIONAL_ID~be_nn:85.07.30-123.??]]
Adres : [[STREET_ADDRESS:Kortrijksesteenweg 1042 bus 3, 9051 Sint-Denijs-Westrem]]
Ik word al twee maanden dubbel aangerekend voor mijn internetabonnement. Pouvez-vous corriger et me rembourser ? Je suis joignable au [[PHONE_NUMBER:0476 38 21 95]] ou par mail [[EMAIL_ADDRESS:wouter.vdb@telenet.be]]."""),

("chat_transcript", "DK", """[[USERNAME:kundeservice_mette]]: Hej og velkommen til chatten. Hvad kan jeg hjælpe med?
[[USERNAME:frederik.h]]: Hej, mit medlemsnummer [[ACCOUNT_NUMBER:7302 118 445]] virker ikke i appen
[[USERNAME:kundeservice_mette]]: Det kigger jeg på. Hvilken adresse er medlemskabet oprettet på?
[[USERNAME:frederik.h]]: [[STREET_ADDRESS:Nørrebrogade 118, 2. th., 2200 København N]]. Skal I bruge mit CPR? [[NATIONAL_ID~dk_cpr:110592-183?]]
[[USERNAME:kundeservice_mette]]: Nej tak, vi må ikke modtage CPR-numre over chat. Jeg har nulstillet dit login nu."""),

("llm_prompt", "ES", """Traduce al inglés este párrafo de la web del Hotel Alfonso XIII de Sevilla: «Situado junto a los Reales Alcázares y a pocos pasos de la Catedral, nuestro hotel ofrece 151 habitaciones de estilo mudéjar. Reserve antes del 30 de junio con el código VERANO24 y obtenga un 15 % de descuento.» Mantén el tono elegante y no traduzcas los nombres propios."""),

("sms", "FI", """Hei [[PERSON:Aino]]! Tässä tilinumero heinäkuun vuokraa varten: [[IBAN_CODE:FI?? 4055 1120 3391 47]], saaja [[PERSON:Juha-Pekka Mäkelä]]. Viestiksi "asunto B 14". Avaimet voi jättää naapurille, jos et ole kotona. T. [[PERSON:JP]]"""),

("hr_note", "EE", """Töötaja andmed palgaarvestusse: [[PERSON:Kadri Tamm]], isikukood [[NATIONAL_ID~ee_ik:4870612022?]], elukoht [[STREET_ADDRESS:Tartu mnt 63-18, 10115 Tallinn]], telefon [[PHONE_NUMBER:5341 8820]]. Palk kantakse kontole [[IBAN_CODE:EE?? 2200 2210 6683 4412]]. Katseaeg 4 kuud, otsene juht [[PERSON:Märt Kask]]."""),

("app_log", "XX", """[[IP_ADDRESS:2001:db8:85a3::8a2e:370:7334]] - - [12/Jun/2024:10:01:44 +0000] "GET /api/v2/users/lookup?email=[[EMAIL_ADDRESS:amara.diallo%40gmail.com]]&fields=id HTTP/1.1" 200 312 "-" "okhttp/4.12.0"
[[IP_ADDRESS:192.168.14.9]] - [[USERNAME:ops.kwame]] [12/Jun/2024:10:01:47 +0000] "POST /internal/cache/flush HTTP/1.1" 204 0 "-" "curl/8.5.0\""""),

("email", "PT", """Assunto: RE: Pedido de reembolso – fatura FT 2024/1187
Boa tarde,
Segue o NIF para a fatura: [[NATIONAL_ID~pt_nif:23784109?]]. O reembolso pode ser feito para o IBAN [[IBAN_CODE:PT?? 0035 0651 0001 4827 930? ?]].
Cumprimentos,
[[PERSON:Rui Miguel Carvalho]]
[[STREET_ADDRESS:Rua de Cedofeita 412, 3.º Esq., 4050-174 Porto]]
Tel. [[PHONE_NUMBER:912 448 307]]

Em 10/06/2024, às 15:12, Apoio ao Cliente Lojas Aurora <[[EMAIL_ADDRESS:apoio@lojasaurora.example.pt]]> escreveu:
> Caro Sr. [[PERSON:Rui Carvalho]], lamentamos o sucedido com a sua encomenda. Para processarmos o reembolso precisamos do NIF e do IBAN do titular da fatura."""),

("invoice", "DE", """Proforma-Rechnung PR-2024-0091
Pos. 1: 4× Lenovo ThinkPad T14 Gen 5, 16 GB
Pos. 2: 2× Dell UltraSharp U2724D
Zwischensumme 6.412,00 € · USt. 19 % 1.218,28 € · Gesamt 7.630,28 €
Lieferung ab Lager Duisburg in KW 27, Zahlungsziel 14 Tage netto.
Es gelten die Allgemeinen Geschäftsbedingungen, Stand 01/2024."""),

("travel_booking", "TH", """ยืนยันการจอง / Booking confirmation
ผู้โดยสาร: นาย[[PERSON:สมชาย ใจดี]] ([[PERSON:MR SOMCHAI JAIDEE]])
หนังสือเดินทาง: [[PASSPORT:AC4471902]]
เที่ยวบิน TG 676 BKK–HND 23:55 / 15 ก.ค.
โทร: [[PHONE_NUMBER:081 734 2290]]
อีเมล: [[EMAIL_ADDRESS:somchai.jd@hotmail.com]]
ที่นั่ง 42A · สัมภาระ 30 kg"""),

("chat_transcript", "SG", """[[USERNAME:@weiling.tan]]: eh the aircon guy coming tmr or not
[[USERNAME:@coolbreeze_svc]]: Hi! Yes, 2-4pm slot. Address is [[STREET_ADDRESS:Blk 218A Sengkang East Way, #11-402, Singapore 541218]] right?
[[USERNAME:@weiling.tan]]: ya. if no one answer the door call my helper [[PERSON:Rosalinda]] at [[PHONE_NUMBER:9187 3342]]
[[USERNAME:@coolbreeze_svc]]: Noted. For the warranty we need the NRIC of the owner
[[USERNAME:@weiling.tan]]: [[NATIONAL_ID~sg_nric:S8734219*]] lor"""),

("bank_dispute", "HU", """Tisztelt Ügyfélszolgálat!
Alulírott [[PERSON:Kovácsné Szabó Erzsébet]] (számlaszám: [[ACCOUNT_NUMBER:11773016-11224455]]) panaszt teszek a [[CREDIT_CARD:5168 4410 2738 902?]] számú kártyámmal május 29-én végrehajtott 84 990 Ft-os terhelés miatt, amelyet nem én kezdeményeztem.
Levelezési cím: [[STREET_ADDRESS:1137 Budapest, Pozsonyi út 38. II. em. 5.]]
Telefon: [[PHONE_NUMBER:+36 30 482 1975]]
Tisztelettel: [[PERSON:Kovácsné Sz. Erzsébet]]"""),

("recruiting_message", "RO", """Bună ziua, doamna [[PERSON:Stanciu]],
vă trimit datele pentru contract: [[PERSON:Ioana-Cristina Dumitrescu]], CNP [[NATIONAL_ID~ro_cnp:295081112345?]], domiciliu [[STREET_ADDRESS:Str. Observatorului nr. 34, bl. M2, sc. B, ap. 17, Cluj-Napoca 400363]], telefon [[PHONE_NUMBER:0744 318 926]]. Încep pe 1 iulie, cum am stabilit cu domnul [[PERSON:Mihai Popa]].
Mulțumesc frumos!"""),

("sms", "BR", """Nubank: Sua fatura de junho fechou em R$ 1.284,37 com vencimento em 20/06. Pague pelo app ou pelo boleto enviado por e-mail. Dúvidas? Fale com a gente pelo chat 24h. Nunca pedimos senha por SMS ou telefone."""),

("medical_intake", "UA", """Анкета пацієнта
ПІБ: [[PERSON:Коваленко Оксана Петрівна]]
Дата народження: [[DATE_OF_BIRTH:14.09.1979]]
РНОКПП: [[NATIONAL_ID~ua_rntrc:291110324?]]
Адреса: [[STREET_ADDRESS:вул. Січових Стрільців, 21, кв. 48, Київ, 04053]]
Телефон: [[PHONE_NUMBER:+380 67 214 38 90]]
Скарги: головний біль, тиск 150/95. Направила сімейна лікарка [[PERSON:Дорошенко І. В.]]"""),

("sms", "RU", """Здравствуйте, [[PERSON:Артём]]! Курьер привезёт ваш заказ №58213 сегодня с 14:00 до 18:00 по адресу [[STREET_ADDRESS:ул. Малая Садовая, д. 3, кв. 12, Санкт-Петербург]]. Курьер: [[PERSON:Руслан]], [[PHONE_NUMBER:+7 921 448-30-17]]. Оплата картой при получении."""),

("json_snippet", "NG", """{"event": "payout.failed", "data": {"recipient": {"name": "[[PERSON:Chukwuemeka Obi]]", "bank_account": "[[ACCOUNT_NUMBER:0123498765]]", "bank_code": "058", "phone": "[[PHONE_NUMBER:+2348096613042]]"}, "amount": 250000, "currency": "NGN", "reference": "PO-88123-XK", "reason": "account_name_mismatch"}}"""),

("appointment_reminder", "IL", """שלום [[PERSON:יעל כהן-לוי]], תזכורת לתור אצל רופאת העור ד"ר [[PERSON:מרים אזולאי]] ביום ג' 18.6 בשעה 09:20 בסניף [[STREET_ADDRESS:רחוב ויצמן 14, כפר סבא]]. לביטול השיבי 1 או חייגי [[PHONE_NUMBER:09-741-8836]]. נא להגיע 10 דקות לפני התור עם כרטיס מגנטי."""),

("crm_note", "MY", """Pelanggan [[PERSON:Nurul Aisyah binti Kamaruddin]] call pasal peti sejuk rosak lagi (warranty 2 thn). IC [[NATIONAL_ID:900214-10-5528]]. Alamat: [[STREET_ADDRESS:No. 23, Jalan SS 15/4B, 47500 Subang Jaya, Selangor]]. Boleh contact [[PHONE_NUMBER:012-738 4451]] lepas 6pm. Technician assigned: Encik [[PERSON:Faizal]], slot Khamis pagi."""),

("meeting_notes", "US", """Weekly ops sync – 6/12
Attendees: [[PERSON:Priya]], [[PERSON:Tomasz]], [[PERSON:Keanu]], [[PERSON:Grace]] (notes), [[PERSON:Hollis]]
- Salesforce migration slips to August; [[PERSON:Will]] owns the SOC 2 evidence folder.
- [[PERSON:Tomasz]] to send the vendor list to [[EMAIL_ADDRESS:legal@northwind-freight.example.com]] by Friday.
- Grace Hopper Conference booth: budget approved.
- Escalation from Brightline Dental: their office manager [[PERSON:Rochelle Amory]] wants a call back at [[PHONE_NUMBER:(503) 555-0143]] about the missed pickup on 6/7.
- Hiring: offer out to [[PERSON:Desmond]] (backend); [[PERSON:Priya]] to update the Greenhouse pipeline.
- Reminder: expense reports in Concur by the 25th.
- Next sync moved to Thursday because of Juneteenth."""),

("form_comment", "AR", """Consulta web: Hola, quiero dar de baja el débito automático del servicio de cable. Titular: [[PERSON:Facundo Ezequiel Barrios]], DNI [[NATIONAL_ID:33.418.592]], CUIL [[NATIONAL_ID~ar_cuit:20-33418592-?]]. Vivo en [[STREET_ADDRESS:Av. Corrientes 4312, piso 7 depto B, C1195AAR CABA]]. Celu [[PHONE_NUMBER:11 5823-4471]]. Gracias!"""),

("chat_transcript", "GB", """[user]: what are your opening hours for the Manchester Arndale store?
[ShopBot]: Our Manchester Arndale store is open Mon–Sat 9:00–20:00 and Sun 11:00–17:00.
[user]: do you price match Currys?
[ShopBot]: Yes, we match Currys, AO.com and Argos on identical items (same model number). Just show the price at the till.
[user]: ok ta"""),

("delivery_note", "NG", """Rider note: Oga [[PERSON:Tunde]] say make I drop the package for [[STREET_ADDRESS:Plot 14, Adeola Odeku Street, Victoria Island, Lagos]], 2nd floor. If gate close, ask for Mama [[PERSON:Nkechi]] wey get the provision shop downstairs. Call am first: [[PHONE_NUMBER:0803 551 2094]]. Customer don pay already, no collect cash."""),

("insurance_claim", "DE", """Schadenmeldung Hausrat – Fahrraddiebstahl
Versicherungsnehmer: Dr. [[PERSON:Ferdinand von Albrecht]]
Anschrift: [[STREET_ADDRESS:Am Römerturm 7, 50667 Köln]]
Tel.: [[PHONE_NUMBER:0221 9348 2210]]
Hergang: Das Rad (Cube Kathmandu Hybrid, Rahmennr. WCB21K0033871) wurde am 8. Juni zwischen 18 und 22 Uhr vor dem Hauptbahnhof gestohlen, Anzeige bei der Polizei Köln ist erstattet.
Erstattung bitte auf [[IBAN_CODE:DE?? 3705 0198 0012 8847 63]]."""),

("llm_prompt", "KR", """다음 고객 문의에 대한 답변 초안을 작성해 줘. 답변에는 고객 개인정보를 넣지 마.

고객: [[PERSON:이수현]] / 주민등록번호 [[NATIONAL_ID~kr_rrn:920315-204831?]]
주소: [[STREET_ADDRESS:서울특별시 마포구 월드컵북로 396, 101동 1204호]]
문의: 지난달 갤럭시 S24 액정 수리를 받았는데 또 깨졌어요. 무상 보증 되나요?"""),

("marketplace_message", "LU", """— Bonjour, le vélo cargo Urban Arrow est toujours dispo ? Je peux passer à Esch-sur-Alzette dimanche matin.
— Oui, toujours dispo ! 1 900 € à discuter. Paiement cash ou virement sur [[IBAN_CODE:LU?? 0019 4755 1234 5000]]. Adresse : [[STREET_ADDRESS:14, rue de l'Alzette, L-4011 Esch-sur-Alzette]], sonnez chez [[PERSON:Weber]].
— Parfait, à dimanche. [[PERSON:Chloé]] ([[PHONE_NUMBER:621 384 907]])"""),

("csv_snippet", "XX", """sku,name,brand,price_eur
SKU-44812,Air Jordan 1 Mid,Nike,139.99
SKU-44813,Stan Smith,adidas,99.95
SKU-44814,Chuck Taylor All Star,Converse,74.99
SKU-44815,Old Skool,Vans,79.00
SKU-44816,Gel-Kayano 30,ASICS,179.90"""),

("school_message", "JP", """[[PERSON:田中]]先生
いつもお世話になっております。2年1組の[[PERSON:佐々木 陽翔]]の母です。本日、[[PERSON:陽翔]]は朝から38度の発熱があるため欠席させていただきます。連絡帳は明日提出します。
何かありましたら[[PHONE_NUMBER:080-5521-3096]]までご連絡ください。
[[PERSON:佐々木 美穂]]"""),

("real_estate_inquiry", "AE", """Hi, I saw your listing on Bayut for the 2BR in Dubai Marina (ref BY-22871). Is it still available from 1 August? I'm [[PERSON:Rania Haddad]], I work at Emirates NBD and can pay 4 cheques. Emirates ID [[NATIONAL_ID~luhn:784-1990-4471826-?]]. WhatsApp me on [[PHONE_NUMBER:+971 50 318 2274]]. شكراً"""),

("call_transcript", "EG", """الموظف: أهلاً بحضرتك في خدمة العملاء، معاك [[PERSON:كريم]].
العميل: أهلاً يا [[PERSON:كريم]]، أنا [[PERSON:منى عبد الفتاح]]، الخط [[PHONE_NUMBER:0100 482 7731]] مقطوع من امبارح.
الموظف: ممكن الرقم القومي للتأكيد؟
العميل: [[NATIONAL_ID:28807150104326]]
الموظف: تمام، هعمل لحضرتك بلاغ عطل ورقمه 55128."""),

("email", "CO", """Asunto: Certificado laboral
Buenos días, por favor expedir certificado laboral a nombre de [[PERSON:Jhon Fredy Cárdenas Ríos]], C.C. [[NATIONAL_ID:1.036.648.227]], cargo Analista de Datos desde marzo de 2021, con salario. Enviarlo a [[EMAIL_ADDRESS:jfcardenas.rios@gmail.com]].
Gracias,
[[PERSON:Luz Dary]] – Talento Humano
[[PHONE_NUMBER:604 444 3120 ext. 214]]"""),

("hr_note", "NZ", """Exit interview – [[PERSON:Aroha Ngata]], leaving 28 June after 4 yrs in the Hamilton warehouse. Reason: moving closer to whānau. IRD [[NATIONAL_ID~nz_ird:49-098-57?]] for the final payslip. Forwarding address [[STREET_ADDRESS:42 Tui Street, Frankton, Hamilton 3204]], mobile [[PHONE_NUMBER:021 448 1927]]. Manager [[PERSON:Hemi]] happy to give a reference."""),

("sms", "GH", """[[PERSON:Yaw]], me de sika no bɛkɔ wo MoMo [[PHONE_NUMBER:024 418 7730]] ɔkyena anɔpa. GHS 450 for the school fees, tell [[PERSON:Efua]] make she collect the receipt. Meda wo ase. – [[PERSON:Abena]]"""),

("email", "IT", """Oggetto: Mostra «Leonardo da Vinci – Il genio» prorogata
Gentili soci,
la mostra al Museo Nazionale della Scienza e della Tecnologia di Milano è prorogata fino al 15 settembre. Ingresso ridotto con la tessera Amici del Museo; visite guidate il sabato alle 11 (prenotazione obbligatoria sul sito). Vi ricordiamo che il 2 giugno il museo resterà chiuso.
La segreteria"""),

("support_ticket", "TW", """客服單號 #TW-20240612-0087
會員：[[PERSON:陳怡君]]（會員編號 [[ACCOUNT_NUMBER:M00384215]]）
問題：訂購的 ASUS Zenbook 螢幕有亮點，要求換貨。
取件地址：[[STREET_ADDRESS:台北市大安區復興南路一段219巷8號5樓]]
聯絡電話：[[PHONE_NUMBER:0912-345-870]]
備註：平日晚上七點後方便收件"""),

("chat_transcript", "XX", """[[USERNAME:zeph]]: yo whats ur steam
[[USERNAME:kiwi_bandit]]: [[URL_PERSONAL:steamcommunity.com/id/kiwibandit_92]]
[[USERNAME:zeph]]: added. send the 20 bucks to my paypal [[EMAIL_ADDRESS:zeph.morrow@outlook.com]]
[[USERNAME:kiwi_bandit]]: sent. btw tell [[PERSON:marco]] the rcon pw for the server is still [[SECRET:b4nana_Sp1lt!]] lmao change it"""),

("shipping_label", "MA", """EXPÉDITEUR : Coopérative Atlas Argan, Taroudant
DESTINATAIRE : Mme [[PERSON:Khadija El Amrani]]
[[STREET_ADDRESS:Résidence Al Andalous, Imm. 12, Appt 9
Bd Abdelmoumen
20360 Casablanca]]
Tél : [[PHONE_NUMBER:0661-238417]]
Contenu : huile d'argan 6 × 250 ml – FRAGILE
الرجاء الاتصال قبل التسليم"""),

("hr_note", "PK", """Employee file update: [[PERSON:Muhammad Usman Tariq]], CNIC [[NATIONAL_ID:35202-4418273-5]], naya address [[STREET_ADDRESS:House 27, Street 9, Block F, Johar Town, Lahore]]. Emergency contact unki walida hain, number [[PHONE_NUMBER:0300 4127836]]. Salary account change ka form abhi pending hai."""),

("travel_booking", "DE", """Flugstatus-Update: LH 400 Frankfurt → New York JFK verspätet sich um 45 Minuten, neue Abflugzeit 11:25 Uhr, Gate Z52. Fluggerät Boeing 747-8. Umsteigende Passagiere nach Denver (UA 2245) werden automatisch umgebucht. Die Lufthansa Senator Lounge B44 ist ab 9:00 Uhr geöffnet."""),

("bank_dispute", "US", """To: [[EMAIL_ADDRESS:disputes@firstharborbank.example.com]]
Re: Unauthorized charges
I'm disputing two charges on my Visa ending 8841 ($412.18 and $96.00, both "DIGITALGOODS*HK" on 6/3). The card never left my wallet. The refund can go to checking [[ACCOUNT_NUMBER:000482917736]], routing 021000021.
For verification: [[PERSON:Loretta Gaines-Whitfield]], DOB [[DATE_OF_BIRTH:July 4, 1969]], SSN last four 6621.
[[STREET_ADDRESS:PO Box 2217, Bozeman, MT 59771]] · [[PHONE_NUMBER:(406) 555-0163]]"""),

("llm_prompt", "DE", """Bitte extrahiere aus dieser Mail alle Felder als JSON (name, email, phone, iban) and answer in English:

„Hallo zusammen, anbei meine Daten für die Rückerstattung: [[PERSON:Kübra Aydın]], [[EMAIL_ADDRESS:kuebra.aydin@web.de]], Tel. [[PHONE_NUMBER:+49 176 3388 1402]], IBAN [[IBAN_CODE:DE?? 5001 0517 5407 3249 31]]. Danke und LG!“"""),
]

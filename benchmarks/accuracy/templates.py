"""Templates of the labeled corpus: support tickets, shipping notes, CRM notes, chat, log lines.

Written to read like the free text that reaches vendors: customers who paste a card number into a
ticket, agents' CRM notes, couriers' delivery notes, chat with typos and lower case, and
application logs. Context words appear where people write them and are missing where people leave
them out ("ok 555 0198", a bare IP in a log line). Distractors that are not PII - order and
tracking numbers, SKUs, amounts, dates, timestamps, versions, company and product names - are in
the same sentences, because that is where false positives come from.

``{slot}`` is a value from ``values.py``; a trailing digit (``{person2}``) draws a second value.
"""

from __future__ import annotations

SUPPORT_TICKETS = (
    "Hi, my name is {person} and I was charged twice for order {order_no}. My card {card} "
    "shows two payments of {amount}. Please refund one. Thanks, {person2}",
    "Subject: Refund request\n\nHello, I returned the {product} on {date}. You can reach me at "
    "{phone} or {email}. Order {order_no}.",
    "I can't log in. My username is {email} and I reset my password twice. My phone number on "
    "the account is {phone}.",
    "Please update my billing details: IBAN {iban}, account holder {person}.",
    "Customer {person} ({email}) reports that the {product} stopped working after the "
    "{version} update. Serial {sku}.",
    "My card {card} was declined even though I have funds. Tried again at {time}, same error.",
    "Hello support, I need to change the delivery address to {address}. The order number is "
    "{order_no}. Best regards, {person}",
    "For identity verification here is my SSN: {ssn}. Please don't share it.",
    "I'm writing on behalf of my mother, {person}, who is {age} years old and cannot use the "
    "app. Her date of birth is {dob}.",
    "The payment page shows error {error_code}. I used my Visa {card}, expiry {expiry}.",
    "Please call me back on {phone} between 9 and 5. Ticket {ticket_no}.",
    "My national insurance number is {nino}, please add it to my payroll profile.",
    "Hallo, meine Steuer-ID ist {steuer} und meine IBAN lautet {iban}. Mit freundlichen "
    "Grüßen, {person}",
    "Bonjour, mon numéro de sécurité sociale est {nir}. Merci de corriger mon dossier. {person}",
    "Mijn BSN is {bsn}, kunt u mijn gegevens aanpassen? Groet, {person}",
    "Adjunto mi DNI {nif} para la verificación de la cuenta.",
    "I was born on {dob} but your form shows a different date. Can you fix it? {email}",
    "Someone used my account from IP {ip} last night. I did not make order {order_no}!",
    "We moved! New address: {address}. Phone stays {phone}.",
    "Got a text from {phone} claiming to be you, asking for my card number. Is this legit?",
    "{person} here, my social security number {ssn} was entered wrong on the tax form, "
    "please correct it.",
    "Refund to IBAN {iban} please, reference {order_no}.",
    "My zip code is {zip} and the checkout keeps saying it's invalid.",
)

SHIPPING_NOTES = (
    "Deliver to {person}, {address}. Leave at the back door. Call {phone} on arrival.",
    "Recipient: {person}\nAddress: {address}\nTel: {phone}\nParcel {tracking}, {weight} kg.",
    "Ship to {address}. Contact {email}. Gift wrap, no invoice in the box.",
    "Courier note: customer {person} not home, left with neighbour at {address}.",
    "Return label for order {order_no} sent to {email}; pickup at {address}.",
    "Please deliver after 6pm, {person} works late. Mobile {phone}.",
    "Address correction for {tracking}: {address}, postcode {postcode}.",
    "Package {tracking} held at depot, {city}. Customer {person} informed at {phone}.",
    "2 boxes, {weight} kg total, fragile. Consignee {person} ({phone}).",
    "Redeliver to {address} on {date}; buzzer code {buzzer}.",
    "Liefern an {person}, {address}, {plz_city}. Tel. {phone}",
    "Customer asked to ship to her office in {city}, zip {zip}.",
)

CRM_NOTES = (
    "Spoke with {person} ({email}). Interested in the {plan} plan, follow up on {date}.",
    "Lead: {person}, {title} at {company}. Phone {phone}. Prefers email: {email}.",
    "{person} called about renewal. Mentioned she is {age} and retiring next year.",
    "Account owner changed from {person} to {person2}. New contact {email}.",
    "Met {person} at the {city} trade show. Card scanned: {phone}, {email}.",
    "Customer DOB {dob}, verified by phone. Address on file: {address}.",
    "Wire transfer expected from {company}, IBAN {iban}. Contact {person}.",
    "{person} asked us to remove {email} from the newsletter list.",
    "KYC: passport checked, SSN {ssn}, born {dob}.",
    "Churn risk: {person} ({age} years old) complained about pricing twice this quarter.",
    "Left voicemail for {person} at {phone}. No answer since {date}.",
    "Escalation: {person} threatened chargeback on card {card}.",
    "Demo booked with {person} and {person2} from {company} for {date}.",
)

CHAT_MESSAGES = (
    "hi its {person}, my order {order_no} still hasnt arrived??",
    "can u call me {phone}",
    "my email is {email} btw",
    "ok here's the card {card} exp {expiry}",
    "i live at {address} if that helps",
    "sure, my iban is {iban}",
    "lol my bday is {dob}, am i too old for the student discount",
    "im {age} yrs old, is that ok for the insurance",
    "text me at {phone} when the driver is close",
    "thanks {person}! you were super helpful",
    "the login code went to {email} but i dont have access anymore",
    "my ssn is {ssn} do u need anything else",
    "btw {person2} will pick it up, her number is {phone}",
    "it says my ip {ip} is blocked??",
    "wrong address, should be {address}",
    "ok ty. ref {ticket_no}",
    "whats ur return policy for the {product}",
    "here is the api key they gave me: {api_key} it doesn't work",
    "my password is {password} and it still says wrong password",
)

LOG_LINES = (
    "{ts} INFO  auth: login ok user={email} ip={ip} ua=\"Mozilla/5.0\"",
    "{ts} WARN  payments: card declined pan={card} order={order_no} code={error_code}",
    "{ts} ERROR api: 401 for request {request_id} from {ip}: invalid token Bearer {bearer}",
    "{ts} DEBUG config loaded: db_password={password} pool=10 timeout=30s",
    "{ts} INFO  device registered mac={mac} ip={ip} fw={version}",
    "{ts} INFO  sms sent to {phone} template=otp status=delivered",
    "[{ts}] POST /v1/customers 201 {latency}ms client={ip}",
    "{ts} WARN  webhook signature mismatch; AWS_SECRET_ACCESS_KEY set, key id {api_key}",
    "{ts} INFO  user {email} updated address to \"{address}\"",
    "{ts} ERROR deploy: found private key in repo:\n{private_key}",
    "{ts} INFO  export finished rows=12873 file=customers_{date_compact}.csv",
    "{ts} DEBUG session {request_id} jwt={jwt}",
    "{ts} INFO  new signup name=\"{person}\" email={email} phone={phone}",
    "Jan {day} {clock} web01 sshd[{pid}]: Accepted publickey for deploy from {ip} port {port}",
    "{ts} INFO  dhcp lease {ip} -> {mac} ({hostname})",
    "{ts} WARN  refund to iban={iban} amount={amount} requires review",
    "{ts} DEBUG call api_key={api_key} endpoint=/v2/charges status=200",
    "{ts} INFO  job nightly-sync completed in {latency}ms, {count} records",
)

KINDS: dict[str, tuple[str, ...]] = {
    "support_ticket": SUPPORT_TICKETS,
    "shipping_note": SHIPPING_NOTES,
    "crm_note": CRM_NOTES,
    "chat_message": CHAT_MESSAGES,
    "log_line": LOG_LINES,
}

# The no-PII corpus: text that must come back untouched.
NO_PII = (
    "The {product} features a {material} body, {feature}, and a {count}-day return window.",
    "{product}: {feature}. Available in {color}. SKU {sku}.",
    "Order {order_no} was placed on {date} and shipped via {carrier}, tracking {tracking}.",
    "Invoice {invoice_no} for {amount} is due on {date}. Payment terms net 30.",
    "{ts} INFO  worker-{count} processed batch {batch_id} in {latency}ms",
    "{ts} DEBUG cache hit ratio=0.{count} keys={count2} evictions=0",
    "[{ts}] GET /api/v2/orders/{order_id}/items 200 {latency}ms",
    "def {identifier}(self, {identifier2}: int) -> {class_name}:",
    "Refactor {class_name}.{identifier} to use {class_name2}Factory instead of {identifier2}.",
    "See {file_path} line {count} for the {identifier} implementation.",
    "Release {version}: fixed {identifier} race in {class_name}; bumped deps.",
    "commit {git_sha} Merge pull request #{count} from feature/{identifier}",
    "Request {request_id} completed with status {http_status} after {latency} ms.",
    "Tracking {tracking}: out for delivery, expected by {time}.",
    "Shipment {order_no} consists of {count} pallets, total weight {weight} kg.",
    "SKU {sku} restocked: {count} units at warehouse {warehouse}.",
    "Batch {batch_id} expires {date}; store below 25 °C.",
    "Meeting moved to {date} at {time}; agenda: Q{quarter} roadmap, pricing review.",
    "{company} {product} {version} release notes: {feature}.",
    "Price changed from {amount} to {amount2} effective {date}.",
    "Error {error_code}: timeout while calling {identifier} (retry {count}/5).",
    "Ticket {ticket_no} closed: duplicate of {ticket_no2}.",
    "Config: max_connections={count} idle_timeout={latency}ms region=us-east-1",
    "{ts} WARN  disk usage at 8{count2}% on volume vol-{hexid}",
)

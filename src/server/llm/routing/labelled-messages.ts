// A fixed, hand-labelled set of messages as a customer-support chat widget receives them
// (a shop, a hotel, a SaaS billing page, a developer-tools tenant), for route.test.ts.
//
// The label is what a support lead would say, not what the rules say: "simple" means a
// cheaper model answers it as well as the primary (a greeting, an FAQ fact, a short
// follow-up); "complex" means it should not go cheap, and why. Some simple messages are
// ones the default rules keep anyway (how-to questions): they count against recall, as
// they should.
//
// Most of the set was written alongside the rules, so its scores flatter them. The two
// held-out rounds at the end were written after the rules and are reported apart: round 1
// scored precision 0.58 against the first rules (4 of its 5 leaks were statements, the
// "other" type: problem reports and requests without a question mark), so "other" left
// the default cheap types. Round 2, written after that change, scored 0.80: its tool
// messages taught the tool rules three more intents (features.ts). Round 3, written after
// those and never tuned on, scored 0.67: complex questions that look like facts ("is it
// normal that replies take 20 seconds?") and tool intents no rule names yet ("when does
// my free trial end?"). Keyword rules reach ~0.8 on messages they have not seen; the
// test prints every miss.
import type { TChatMessage } from "../provider";

export type TComplexCategory = "tools" | "long" | "multi_step" | "code" | "reasoning";

export type TLabelledMessage = {
  text: string;
  /** Earlier turns, oldest first; the message is the next user turn. */
  prior?: TChatMessage[];
  label: "simple" | "complex";
  category?: TComplexCategory;
  /**
   * Written after the rules, to see how they do on messages they were not tuned on: round 1
   * after the first rules, round 2 and 3 after the changes their predecessors led to (above).
   */
  heldOut?: 1 | 2 | 3;
};

const simple = (text: string, prior?: TChatMessage[]): TLabelledMessage => ({ text, label: "simple", ...(prior ? { prior } : {}) });
const complex = (category: TComplexCategory, text: string, prior?: TChatMessage[]): TLabelledMessage => ({
  text,
  label: "complex",
  category,
  ...(prior ? { prior } : {}),
});
const user = (content: string): TChatMessage => ({ role: "user", content });
const assistant = (content: string): TChatMessage => ({ role: "assistant", content });

export const LABELLED_MESSAGES: TLabelledMessage[] = [
  // Greetings and closings
  simple("Hi!"),
  simple("Hello, anyone there?"),
  simple("Good morning :)"),
  simple("Thanks, that's all I needed"),
  simple("ok thanks bye"),
  simple("Great, thank you so much!"),
  simple("hey"),
  // FAQ facts: shop
  simple("What are your opening hours?"),
  simple("Do you ship to Canada?"),
  simple("What payment methods do you accept?"),
  simple("Can I pay with PayPal?"),
  simple("How long does standard shipping take?"),
  simple("Do you offer gift cards?"),
  simple("What's your return policy?"),
  simple("Is there a student discount?"),
  simple("Where are you located?"),
  simple("Do you have a phone number I can call?"),
  simple("Hi, what are your opening hours on Sunday?"),
  // FAQ facts: hotel
  simple("Is breakfast included?"),
  simple("What time is check-in?"),
  simple("Are pets allowed at the hotel?"),
  simple("Do you have parking on site?"),
  simple("Is there a shuttle from the airport?"),
  // FAQ facts: SaaS and billing page
  simple("How much is the Pro plan?"),
  simple("Is there a free trial?"),
  simple("What does the Starter plan include?"),
  simple("Do you support SSO?"),
  simple("Which languages does the chat widget support?"),
  simple("Can I use the API on the free plan?"),
  simple("What's the max file size for uploads?"),
  simple("Is my data stored in the EU?"),
  simple("Do you send invoices in EUR?"),
  simple("What does VAT ID mean on the billing form?"),
  // Short follow-ups in a conversation
  simple("And on weekends?", [user("What are your opening hours?"), assistant("We are open 9:00-18:00, Monday to Friday.")]),
  simple("Is that per user?", [user("How much is the Pro plan?"), assistant("Pro is $29 per month.")]),
  simple("Thanks, got it", [user("Can I cancel my order #55120?"), assistant("Done: order #55120 is cancelled and you will be refunded within 5 days.")]),
  // How-to FAQs: simple, but the default rules keep how-to questions on the primary model
  simple("How do I reset my password?"),
  simple("How can I change the language of the dashboard?"),
  simple("Where do I find my API key?"),

  // Tools: the user's own records or an action
  complex("tools", "Where is my order #48213?"),
  complex("tools", "Has my package shipped yet?"),
  complex("tools", "Can you check the status of my refund?"),
  complex("tools", "I'd like to book a table for 4 on Friday at 7pm"),
  complex("tools", "Please cancel my subscription"),
  complex("tools", "Cancel my booking for tomorrow"),
  complex("tools", "Look up order 99812 for me please"),
  complex("tools", "Why was I charged twice this month?"),
  complex("tools", "Can you change the email on my account to jane@example.com?"),
  complex("tools", "Search for flights from Lisbon to Paris next Monday"),
  complex("tools", "Is room 214 available on the 12th?"),
  complex("tools", "Can you reschedule my appointment to Thursday?"),
  complex("tools", "https://shop.example.com/p/123 is this in stock in size M?"),
  complex("tools", "What's my current balance?"),
  complex("tools", "INV-2024-0042 still shows unpaid, can you check?"),
  complex("tools", "I want a refund for the headphones I bought last week"),
  complex("tools", "the one on Saturday", [user("I want to cancel my booking"), assistant("Sure, which booking would you like to cancel?")]),
  complex("tools", "please upgrade us to the Business plan"),

  // Long: detailed cases a cheap model summarises badly
  complex(
    "long",
    "We moved our team from another vendor last month and since then the numbers in the dashboard do not line up with what our " +
      "finance team sees in the exported CSV: the dashboard says 41,200 messages for November but the export adds up to a little " +
      "over 39,000, and our own logs are somewhere in between. Can you tell us which one we are billed on and where the difference comes from?",
  ),
  complex(
    "long",
    "I stayed with you in August and left a jacket in the wardrobe of the room. I called the front desk twice, the first time " +
      "someone said they would look into it and call me back, which never happened, and the second time I was told lost items " +
      "are kept for 30 days only. It has been 25 days. I would really like to know what I can still do to get it back.",
  ),
  complex(
    "long",
    "Our legal team needs a written statement about data processing before we can renew: where conversations are stored, " +
      "for how long, which sub-processors see message content, whether any of it is used to train models, how deletion " +
      "requests are handled and within what time, and whether you can sign our DPA instead of yours. Please be specific.",
  ),
  complex(
    "long",
    "hello!! so i ordered a birthday cake for my daughter for saturday and i picked the chocolate one with the unicorn on top " +
      "but now she says she wants the strawberry one and also we will be more people than planned, maybe 20 instead of 12, and " +
      "i am not sure the size is enough, and i also wanted to know about candles, thanks a lot",
  ),

  // Multi-step: plans and several questions at once
  complex("multi_step", "Walk me through setting up SSO with Okta step by step"),
  complex("multi_step", "1. Do you ship to Norway?\n2. What does it cost?\n3. Do I pay customs on arrival?"),
  complex("multi_step", "First I need to move all our agents to the new workspace, then archive the old one. What is the right order?"),
  complex("multi_step", "What are the steps to migrate our help centre from Zendesk, and what happens to our macros?"),
  complex("multi_step", "Can I add seats mid-month? Are they prorated? Do I get one invoice or two? And can I remove them later?"),
  complex("multi_step", "Help me plan the rollout: pilot with one team, then all of support, and after that the sales desk"),

  // Code: the developer-tools tenant
  complex("code", "```js\nconst res = await fetch('/api/chat', { method: 'POST' });\n```\nwhy does this return 401?"),
  complex("code", "Write a Python script that pages through all conversations with your API"),
  complex("code", "TypeError: Cannot read properties of undefined (reading 'id') when I call client.messages.list()"),
  complex("code", "Implement retry with exponential backoff for the 429 errors in my webhook handler"),
  complex("code", "My HMAC signature never matches for your webhooks, I compute it over the parsed JSON body"),
  complex("code", "Is there a TypeScript type for the streaming events?"),

  // Reasoning: advice, comparisons, explanations
  complex("reasoning", "Should I pick Pro or Business for a team of 12 with heavy API use?"),
  complex("reasoning", "Compare your Starter and Pro plans for a small agency"),
  complex("reasoning", "What are the pros and cons of annual billing for a startup like ours?"),
  complex("reasoning", "Explain how usage-based pricing works when we go over our limit"),
  complex("reasoning", "Which plan is better for us if most of our traffic is at night?"),
  complex("reasoning", "What happens if our card fails during the renewal?"),


  // Held out, round 1 (written after the first rules; see above).
  ...[
    simple("Can I bring my dog?"),
    simple("what's the wifi password"),
    simple("Is the Pro plan billed monthly or yearly?"),
    simple("Do you accept Apple Pay?"),
    simple("Are you a bot?"),
    simple("Do you deliver on public holidays?"),
    simple("Thank you, have a nice day!"),
    complex("tools", "My last invoice looks wrong"),
    complex("tools", "I never received the confirmation email for my stay next week"),
    complex("tools", "I'd like to add 5 seats to our workspace"),
    complex("code", "Our webhook endpoint returns 500 on every message.created event"),
    complex("reasoning", "The widget doesn't load on our Shopify store since this morning"),
    complex("reasoning", "Can we get a discount if we pay three years upfront?"),
    complex("multi_step", "Set up a new workspace for our Spanish team, copy the English macros and translate them"),
  ].map((message): TLabelledMessage => ({ ...message, heldOut: 1 })),

  // Held out, round 2 (written after "other" left the default cheap types).
  ...[
    simple("Do you have a loyalty programme?"),
    simple("What's the minimum order value for free delivery?"),
    simple("hello :)"),
    simple("Is late checkout possible?"),
    simple("Where can I park my car?"),
    simple("Do invoices include VAT?"),
    simple("Are prices shown with tax?"),
    simple("ok perfect, thanks!"),
    complex("tools", "The discount code SPRING20 isn't working at checkout"),
    complex("tools", "I was promised a callback yesterday and nobody called"),
    complex("tools", "Can you send me a copy of my receipt?"),
    complex("tools", "Why did my card get declined?"),
    complex("reasoning", "Is it cheaper to pay per seat or per message for a team of 40 with 2k chats a month?"),
    complex("multi_step", "How do I connect your widget to our Salesforce so tickets sync both ways?"),
    complex("reasoning", "Draft a reply to a customer who is angry about a late delivery"),
    complex("reasoning", "Our agents see each conversation twice in the inbox"),
  ].map((message): TLabelledMessage => ({ ...message, heldOut: 2 })),

  // Held out, round 3 (written after the tool rules learnt from round 2; misses are left as they are).
  ...[
    simple("Do you have rooms with a sea view?"),
    simple("Is the spa open to non-guests?"),
    simple("What's the delivery fee?"),
    simple("Do you offer discounts for nonprofits?"),
    simple("Which browsers does the dashboard support?"),
    simple("Is there a mobile app?"),
    simple("good evening"),
    simple("What is the cancellation policy for bookings?"),
    complex("tools", "The parcel says delivered but it's not here"),
    complex("tools", "Please move my dinner reservation to 8pm"),
    complex("tools", "I need an invoice with our company address on it for last month"),
    complex("tools", "When does my free trial end?"),
    complex("reasoning", "Our CSAT dropped after we turned on the bot, what could be causing it?"),
    complex("code", "How do I pass the customer's email to the widget from our Vue app?"),
    complex("reasoning", "Is it normal that replies take 20 seconds?"),
    complex("multi_step", "We want to merge two workspaces and keep the history of both, how would that work?"),
  ].map((message): TLabelledMessage => ({ ...message, heldOut: 3 })),
];

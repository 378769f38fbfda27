-- wrk script: "Similar questions" for titles as members type them. Every request asks for a
-- different title, three to six words of the data set's vocabulary, one word in three
-- with a letter dropped (a typo), cut at a random length of ten characters or more.
local words = {
  "customer", "caller", "refund", "delay", "manager", "team", "queue", "ticket", "angry",
  "patience", "listen", "escalate", "policy", "apology", "promise", "schedule", "shift",
  "coaching", "feedback", "survey", "score", "chat", "email", "phone", "template",
  "script", "empathy", "tone", "resolution", "first", "contact", "billing", "invoice",
  "payment", "wants", "why", "how", "the", "a", "after",
}

math.randomseed(42)

local function typo(word)
  if #word > 4 and math.random(3) == 1 then
    local at = math.random(2, #word - 1)
    return word:sub(1, at - 1) .. word:sub(at + 1)
  end
  return word
end

request = function()
  local picked = {}
  for i = 1, math.random(3, 6) do
    picked[i] = typo(words[math.random(#words)])
  end
  local title = table.concat(picked, " ")
  title = title:sub(1, math.random(math.min(10, #title), #title))
  return wrk.format("GET", "/questions/similar?title=" .. title:gsub(" ", "+"))
end

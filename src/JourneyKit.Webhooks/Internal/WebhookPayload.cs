using System.Text.Json;
using JourneyKit.Orchestration;

namespace JourneyKit.Webhooks.Internal;

/// <summary>The JSON body of one webhook call (schema/webhook-payload.schema.json; docs/orchestration.md).</summary>
internal static class WebhookPayload
{
    public static byte[] Serialize(Intervention i)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("idempotencyKey", i.IdempotencyKey);
            w.WriteString("name", i.Name);
            w.WriteString("customerId", i.CustomerId);
            w.WriteString("journeyId", i.JourneyId);
            w.WriteString("rule", i.Rule);
            w.WriteString("channel", i.Channel.Name);
            if (i.TemplateId is null)
            {
                w.WriteNull("templateId");
            }
            else
            {
                w.WriteString("templateId", i.TemplateId);
            }

            w.WriteNumber("priority", i.Priority);
            w.WriteString("occurrence", i.Occurrence);
            w.WriteString("occurredAt", i.OccurredAt);
            if (i.Stage is null)
            {
                w.WriteNull("stage");
            }
            else
            {
                w.WriteString("stage", i.Stage);
            }

            if (i.Risk is { } risk)
            {
                w.WriteNumber("risk", risk);
            }
            else
            {
                w.WriteNull("risk");
            }

            if (i.RiskModel is null)
            {
                w.WriteNull("riskModel");
            }
            else
            {
                w.WriteString("riskModel", i.RiskModel);
            }

            w.WriteStartObject("parameters");
            foreach (KeyValuePair<string, string> p in i.Parameters)
            {
                w.WriteString(p.Key, p.Value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

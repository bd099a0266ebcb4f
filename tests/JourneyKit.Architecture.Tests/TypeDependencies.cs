using System.Reflection;
using System.Reflection.Emit;

namespace JourneyKit.Architecture.Tests;

/// <summary>
/// The types each type of an assembly really uses: its base type and interfaces, the signatures of its fields,
/// properties and methods, the locals of its method bodies and every type, method and field token in their IL. Nested
/// and compiler-generated types (lambdas, iterators, async state machines) count as their outermost declaring type, so
/// a dependency hidden in a lambda is still found.
/// </summary>
internal static class TypeDependencies
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];

#pragma warning disable CA1810 // the opcode tables are filled once, from OpCodes' fields
    static TypeDependencies()
#pragma warning restore CA1810
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            ushort value = unchecked((ushort)op.Value);
            if (op.Size == 1)
            {
                OneByte[value] = op;
            }
            else
            {
                TwoByte[value & 0xff] = op;
            }
        }
    }

    /// <summary>Maps every outermost type of <paramref name="assembly"/> to the types of the same assembly it uses (itself excluded).</summary>
    public static Dictionary<Type, HashSet<Type>> Of(Assembly assembly)
    {
        var result = new Dictionary<Type, HashSet<Type>>();
        foreach (Type type in assembly.GetTypes())
        {
            Type owner = Outermost(type);
            if (!result.TryGetValue(owner, out HashSet<Type>? used))
            {
                used = [];
                result[owner] = used;
            }

            var found = new HashSet<Type>();
            Collect(type, found);
            foreach (Type t in found)
            {
                if (t.Assembly == assembly && !t.IsGenericParameter)
                {
                    Type o = Outermost(t);
                    if (o != owner)
                    {
                        used.Add(o);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The namespace a type belongs to: its outermost declaring type's.</summary>
    public static string NamespaceOf(Type type) => Outermost(type).Namespace ?? string.Empty;

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } d)
        {
            type = d;
        }

        return type;
    }

    private static void Collect(Type type, HashSet<Type> found)
    {
        Add(type.BaseType, found);
        foreach (Type i in type.GetInterfaces())
        {
            Add(i, found);
        }

        foreach (FieldInfo f in type.GetFields(Declared))
        {
            Add(f.FieldType, found);
        }

        foreach (PropertyInfo p in type.GetProperties(Declared))
        {
            Add(p.PropertyType, found);
        }

        foreach (EventInfo e in type.GetEvents(Declared))
        {
            Add(e.EventHandlerType, found);
        }

        foreach (MethodBase m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (m is MethodInfo mi)
            {
                Add(mi.ReturnType, found);
            }

            foreach (ParameterInfo p in m.GetParameters())
            {
                Add(p.ParameterType, found);
            }

            MethodBody? body;
            try
            {
                body = m.GetMethodBody();
            }
            catch (InvalidOperationException)
            {
                continue;
            }

            if (body is null)
            {
                continue;
            }

            foreach (LocalVariableInfo local in body.LocalVariables)
            {
                Add(local.LocalType, found);
            }

            ScanIl(m, body.GetILAsByteArray() ?? [], found);
        }
    }

    private static void ScanIl(MethodBase method, byte[] il, HashSet<Type> found)
    {
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        Type[]? methodArgs = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
        int pos = 0;
        while (pos < il.Length)
        {
            OpCode op = il[pos] == 0xFE ? TwoByte[il[++pos]] : OneByte[il[pos]];
            pos++;
            int operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, pos)),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType)
            {
                int token = BitConverter.ToInt32(il, pos);
                MemberInfo? member = Resolve(method.Module, token, typeArgs, methodArgs);
                switch (member)
                {
                    case Type t:
                        Add(t, found);
                        break;
                    case MethodInfo mi:
                        Add(mi.DeclaringType, found);
                        foreach (Type g in mi.IsGenericMethod ? mi.GetGenericArguments() : [])
                        {
                            Add(g, found);
                        }

                        break;
                    case MemberInfo other:
                        Add(other.DeclaringType, found);
                        break;
                }
            }

            pos += operand;
        }
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        try
        {
            return module.ResolveMember(token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static void Add(Type? type, HashSet<Type> found)
    {
        if (type is null || !found.Add(type))
        {
            return;
        }

        if (type.HasElementType)
        {
            Add(type.GetElementType(), found);
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (Type g in type.GetGenericArguments())
            {
                Add(g, found);
            }
        }
    }
}
